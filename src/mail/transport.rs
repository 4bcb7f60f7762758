//! Where messages go: an SMTP server when `SITESYNC_SMTP_URL` is set, otherwise `.eml` files
//! under `$SITESYNC_DATA_DIR/mail/` (the default, so a demo shows every email it would send).

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{Message as Mime, SmtpTransport, Transport as _};

use super::outbox::Message;
use crate::config::Config;

/// SMTP connections open at once: about what a mail server accepts from one client.
pub const CONNECTIONS: usize = 15;
/// How long one SMTP exchange may wait on the server.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// The headers a message may carry beyond the usual ones; anything else stored is ignored.
const EXTRA_HEADERS: [&str; 2] = ["List-Unsubscribe", "List-Unsubscribe-Post"];

enum Transport {
    Smtp(Box<SmtpTransport>),
    Files(PathBuf),
    /// The SMTP URL could not be used (it is checked at start-up too); every send fails with
    /// this reason, so the messages wait in the outbox rather than vanish.
    Broken(String),
}

pub struct Mailer {
    from: Mailbox,
    /// The domain of Message-IDs.
    domain: String,
    transport: Transport,
}

impl Mailer {
    pub fn new(config: &Config) -> Mailer {
        let transport = match &config.smtp_url {
            Some(url) => match SmtpTransport::from_url(url) {
                // Enough pooled connections for a job's message and those delivered beside it.
                Ok(builder) => Transport::Smtp(Box::new(
                    builder
                        .timeout(Some(SMTP_TIMEOUT))
                        .pool_config(PoolConfig::new().max_size(CONNECTIONS as u32))
                        .build(),
                )),
                Err(e) => Transport::Broken(format!("SITESYNC_SMTP_URL cannot be used: {e}")),
            },
            None => Transport::Files(config.data_dir.join("mail")),
        };
        Mailer {
            from: config.mail_from.clone(),
            domain: config.mail_from.email.domain().to_string(),
            transport,
        }
    }

    /// Where the `.eml` of a message is written, with the file transport.
    pub fn file_of(&self, id: uuid::Uuid) -> Option<PathBuf> {
        match &self.transport {
            Transport::Files(dir) => Some(dir.join(format!("{id}.eml"))),
            _ => None,
        }
    }

    /// Hands the message over. Its Message-ID is the outbox id, so a message sent twice
    /// (the process died between the SMTP server's "OK" and the commit) is one message to a
    /// receiver that deduplicates, and one file here.
    pub fn deliver(&self, message: &Message) -> Result<(), String> {
        let mime = self.mime(message)?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(&mime)
                .map(|_| ())
                .map_err(|e| format!("SMTP: {e}")),
            Transport::Files(dir) => std::fs::create_dir_all(dir)
                .and_then(|()| {
                    let path = dir.join(format!("{}.eml", message.id));
                    let partial = path.with_extension("eml.partial");
                    std::fs::write(&partial, mime.formatted())?;
                    std::fs::rename(&partial, &path)
                })
                .map_err(|e| format!("writing to {}: {e}", dir.display())),
            Transport::Broken(reason) => Err(reason.clone()),
        }
    }

    /// Delivers several messages side by side, over at most [`CONNECTIONS`] connections;
    /// an outcome per message, in their order.
    pub fn deliver_all(&self, messages: &[&Message]) -> Vec<Result<(), String>> {
        let share = messages.len().div_ceil(CONNECTIONS).max(1);
        std::thread::scope(|scope| {
            let running: Vec<_> = messages
                .chunks(share)
                .map(|chunk| {
                    scope.spawn(move || chunk.iter().map(|m| self.deliver(m)).collect::<Vec<_>>())
                })
                .collect();
            running
                .into_iter()
                .zip(messages.chunks(share))
                .flat_map(|(thread, chunk)| {
                    thread.join().unwrap_or_else(|_| {
                        vec![Err("the delivery thread failed".to_string()); chunk.len()]
                    })
                })
                .collect()
        })
    }

    fn mime(&self, message: &Message) -> Result<Mime, String> {
        let address = message
            .to_address
            .parse()
            .map_err(|e| format!("the address {:?} cannot be used: {e}", message.to_address))?;
        let to = Mailbox::new(message.to_name.clone(), address);
        let mut builder = Mime::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&message.subject)
            .message_id(Some(format!("<{}@{}>", message.id, self.domain)));
        for (name, value) in message.extra_headers() {
            if let Some(known) = EXTRA_HEADERS.iter().find(|h| h.eq_ignore_ascii_case(&name)) {
                builder = builder.raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str(known),
                    value,
                ));
            }
        }
        builder
            .multipart(MultiPart::alternative_plain_html(
                message.body_text.clone(),
                message.body_html.clone(),
            ))
            .map_err(|e| format!("the message cannot be built: {e}"))
    }
}
