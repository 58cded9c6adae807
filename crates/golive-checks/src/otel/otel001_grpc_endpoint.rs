use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct GrpcEndpoint;

static META: CheckMeta = CheckMeta {
    code: "OTEL001",
    slug: "otel-grpc-endpoint",
    category: Category::Observability,
    severity: Severity::Medium,
    summary: "The OpenTelemetry collector's OTLP gRPC endpoint accepts connections",
    doc: CheckDoc {
        what: "Opens a TCP connection (3 second timeout) to the host of `otel_endpoint` on the \
OTLP gRPC port: the endpoint's own port unless that is the HTTP port, else `grpc_port` (4317). \
Nothing is sent.",
        why: "SDKs export traces and metrics to the collector in the background and drop them \
silently when it is unreachable: the first sign is an empty dashboard during an incident.",
        fix: "Enable `receivers.otlp.protocols.grpc` (endpoint `0.0.0.0:4317`) in the collector \
configuration, put the receiver in a pipeline, and open the port.",
        example: "```toml\n[environments.production]\notel_endpoint = \"http://otel-collector.observability:4317\"\n```",
    },
    params: &[
        ParamSpec {
            name: "grpc_port",
            kind: ParamKind::Int,
            default: "4317",
            help: "the OTLP gRPC port",
        },
        ParamSpec {
            name: "http_port",
            kind: ParamKind::Int,
            default: "4318",
            help: "the OTLP HTTP port",
        },
    ],
    requires: &[Input::OtelEndpoint],
    keywords: &["opentelemetry", "otel collector", "OTLP", "4317", "tracing"],
};

#[async_trait::async_trait]
impl Check for GrpcEndpoint {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        super::probe(cx, "gRPC", "grpc_port", "http_port").await
    }
}
