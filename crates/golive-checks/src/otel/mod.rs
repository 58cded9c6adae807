//! OpenTelemetry checks: the collector's OTLP endpoints accept connections.

mod otel001_grpc_endpoint;
mod otel002_http_endpoint;

use golive_core::{Check, CheckCx, Outcome};
use golive_facts::otel::{TcpConnect, host_port};

pub const CHECKS: &[&dyn Check] = &[
    &otel001_grpc_endpoint::GrpcEndpoint,
    &otel002_http_endpoint::HttpEndpoint,
];

/// Connects to `otel_endpoint`'s host on the port for `proto`: the endpoint's own port when
/// it names this protocol's (or, for gRPC, any port other than the HTTP one), else the
/// parameter's default.
pub(crate) async fn probe(
    cx: &CheckCx<'_>,
    proto: &str,
    port_param: &str,
    other_param: &str,
) -> Outcome {
    let Some(endpoint) = cx.facts.env().input(golive_core::Input::OtelEndpoint) else {
        return Outcome::skipped("otel_endpoint is not set");
    };
    let (host, explicit) = match host_port(endpoint) {
        Ok(hp) => hp,
        Err(e) => return Outcome::error(e),
    };
    let own = cx.params.int(port_param).clamp(1, 65535) as u16;
    let other = cx.params.int(other_param).clamp(1, 65535) as u16;
    let port = match explicit {
        Some(p) if proto == "gRPC" && p != other => p,
        _ => own,
    };
    let t = match cx
        .facts
        .get_keyed::<TcpConnect>(&(host.clone(), port))
        .await
    {
        Ok(t) => t,
        Err(e) => return e.outcome(),
    };
    match &t.result {
        Ok(ms) => Outcome::pass(format!(
            "the OTLP {proto} endpoint {host}:{port} accepts connections"
        ))
        .evidence(format!("TCP connect {host}:{port} -> accepted in {ms}ms")),
        Err(e) => Outcome::fail(format!(
            "the OTLP {proto} endpoint {host}:{port} refuses connections: {e}"
        ))
        .evidence(format!("TCP connect {host}:{port} -> {e}"))
        .fix(format!(
            "enable the otlp receiver's {} protocol on the collector and open port {port}",
            proto.to_ascii_lowercase()
        )),
    }
}
