use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct HttpEndpoint;

static META: CheckMeta = CheckMeta {
    code: "OTEL002",
    slug: "otel-http-endpoint",
    category: Category::Observability,
    severity: Severity::Medium,
    summary: "The OpenTelemetry collector's OTLP HTTP endpoint accepts connections",
    doc: CheckDoc {
        what: "Opens a TCP connection (3 second timeout) to the host of `otel_endpoint` on \
`http_port` (4318), the OTLP/HTTP receiver that browser and serverless SDKs use. Nothing is sent.",
        why: "Front-end and serverless exporters speak OTLP over HTTP only; with the HTTP \
receiver off their telemetry is lost while back-end services look fine.",
        fix: "Enable `receivers.otlp.protocols.http` (endpoint `0.0.0.0:4318`) in the collector \
configuration and open the port.",
        example: "```toml\n[checks.OTEL002]\nhttp_port = 4318\n```",
    },
    params: &[
        ParamSpec {
            name: "http_port",
            kind: ParamKind::Int,
            default: "4318",
            help: "the OTLP HTTP port",
        },
        ParamSpec {
            name: "grpc_port",
            kind: ParamKind::Int,
            default: "4317",
            help: "the OTLP gRPC port",
        },
    ],
    requires: &[Input::OtelEndpoint],
    keywords: &["opentelemetry", "OTLP HTTP", "4318", "otel collector"],
};

#[async_trait::async_trait]
impl Check for HttpEndpoint {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        super::probe(cx, "HTTP", "http_port", "grpc_port").await
    }
}
