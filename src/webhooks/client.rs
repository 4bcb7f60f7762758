//! The HTTP side of a delivery: one signed POST through the SSRF guard, ten seconds at most,
//! no redirects (a redirect could point anywhere; receivers answer where they were asked).

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::guard::{self, GuardError};

/// How long a receiver has to answer, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Why an attempt failed. Its text is the delivery's `last_error` and the job's; an answer
/// with a status starts `HTTP <code>`, which [`Failure::status_code_of`] reads back in
/// `Kind::failed` (which is handed only the job's error text).
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("HTTP {0}{1}")]
    Status(u16, String),
    #[error("refused: {0}")]
    Refused(GuardError),
    #[error("network: {0}")]
    Network(String),
    #[error("{0}")]
    Other(String),
}

impl Failure {
    /// The status code an error text of [`Failure::Status`] starts with.
    pub fn status_code_of(error: &str) -> Option<i32> {
        let code = error.strip_prefix("HTTP ")?.get(..3)?;
        code.parse().ok()
    }
}

/// POSTs `body` to `url` with `headers`; the receiver's status code when it is 2xx.
pub fn post(
    url: &str,
    headers: &[(&str, String)],
    body: &[u8],
    allow_private: bool,
) -> Result<u16, Failure> {
    guard::check_form(url, allow_private).map_err(Failure::Refused)?;
    // The resolver is the guard: it sees the addresses the connection will use, after DNS,
    // so a name that resolves somewhere private now is refused before any connection.
    let refused: Arc<Mutex<Option<GuardError>>> = Arc::default();
    let noted = refused.clone();
    let agent = ureq::AgentBuilder::new()
        .timeout(TIMEOUT)
        .redirects(0)
        .user_agent("SiteSync-Webhooks/1")
        .resolver(move |netloc: &str| {
            guard::resolve(netloc, allow_private).map_err(|e| {
                let message = e.to_string();
                if let Ok(mut slot) = noted.lock() {
                    *slot = Some(e);
                }
                std::io::Error::new(std::io::ErrorKind::PermissionDenied, message)
            })
        })
        .build();
    let mut request = agent.post(url);
    for (name, value) in headers {
        request = request.set(name, value);
    }
    let response = match request.send_bytes(body) {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(ureq::Error::Transport(transport)) => {
            let guarded = refused.lock().ok().and_then(|mut slot| slot.take());
            return Err(match guarded {
                Some(GuardError::NotFound(host)) => {
                    Failure::Network(format!("the host name {host} could not be found"))
                }
                Some(refusal) => Failure::Refused(refusal),
                None => Failure::Network(transport.to_string()),
            });
        }
    };
    let code = response.status();
    if (200..300).contains(&code) {
        return Ok(code);
    }
    Err(Failure::Status(code, excerpt(response)))
}

/// The start of a refusing answer's body, as `": …"`, for the log.
fn excerpt(response: ureq::Response) -> String {
    let mut bytes = Vec::new();
    let _ = response.into_reader().take(200).read_to_end(&mut bytes);
    let text: String = String::from_utf8_lossy(&bytes)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        String::new()
    } else {
        format!(": {text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_read_back_from_the_error_text() {
        let failure = Failure::Status(503, ": busy".into());
        assert_eq!(failure.to_string(), "HTTP 503: busy");
        assert_eq!(Failure::status_code_of(&failure.to_string()), Some(503));
        assert_eq!(Failure::status_code_of("network: timed out"), None);
    }

    #[test]
    fn a_private_address_is_refused_before_connecting() {
        let refused = post("https://127.0.0.1:9/hook", &[], b"{}", false);
        assert!(matches!(
            refused,
            Err(Failure::Refused(GuardError::Private(_)))
        ));
        // A name is judged by what it resolves to, in the resolver the connection uses.
        let refused = post("https://localhost:9/hook", &[], b"{}", false);
        assert!(
            matches!(refused, Err(Failure::Refused(GuardError::Private(_)))),
            "{refused:?}"
        );
    }
}
