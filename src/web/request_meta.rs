//! Who sent a request, for audit and security records: client IP, user agent, request id.

use std::net::IpAddr;

use actix_web::{HttpMessage, HttpRequest};

use super::middleware::RequestId;

#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: String,
    pub user_agent: String,
    pub request_id: String,
}

impl RequestMeta {
    pub fn from_request(req: &HttpRequest, trusted_proxies: &[IpAddr]) -> RequestMeta {
        RequestMeta {
            ip: client_ip(req, trusted_proxies),
            user_agent: req
                .headers()
                .get("user-agent")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .chars()
                .take(500)
                .collect(),
            request_id: req
                .extensions()
                .get::<RequestId>()
                .map(|id| id.0.clone())
                .unwrap_or_default(),
        }
    }
}

/// The peer address, unless the peer is a trusted proxy: then the right-most address in
/// `X-Forwarded-For` that is not itself a trusted proxy. Anyone can send that header, so it is
/// believed only from proxies we were told about.
pub fn client_ip(req: &HttpRequest, trusted_proxies: &[IpAddr]) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    let Some(peer) = peer else {
        return "unknown".into();
    };
    if !trusted_proxies.contains(&peer) {
        return peer.to_string();
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !trusted_proxies.contains(ip))
        .unwrap_or(peer)
        .to_string()
}
