//! Mailers: the file outbox by default (each message becomes a file in `data/outbox/` and, on
//! a development address, its link is logged, so password resets work on a machine with no
//! mail server), SMTP when `TREMPLIN_SMTP_URL` is set.

use std::path::PathBuf;

use app::ssr::{Mail, Mailer};
use async_trait::async_trait;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub struct Outbox {
    dir: PathBuf,
    log_links: bool,
}

impl Outbox {
    pub fn new(dir: PathBuf, log_links: bool) -> Self {
        Self { dir, log_links }
    }
}

#[async_trait]
impl Mailer for Outbox {
    async fn send(&self, mail: Mail) -> Result<(), String> {
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| e.to_string())?;
        let name = format!("{}-{}.eml", app::ssr::now(), uuid::Uuid::new_v4().simple());
        let text = format!(
            "To: {}\nSubject: {}\nContent-Type: text/plain; charset=utf-8\n\n{}",
            mail.to, mail.subject, mail.body
        );
        tokio::fs::write(self.dir.join(&name), text)
            .await
            .map_err(|e| e.to_string())?;
        let link = mail
            .body
            .split_whitespace()
            .find(|w| w.starts_with("http://") || w.starts_with("https://"))
            .filter(|_| self.log_links);
        tracing::info!(file = name, link, "mail written to the outbox");
        Ok(())
    }
}

/// Sends through an SMTP server (`smtp://` with STARTTLS when offered, `smtps://` for TLS).
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        Ok(Self {
            transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map_err(|e| e.to_string())?
                .build(),
            from: from
                .parse()
                .map_err(|e: lettre::address::AddressError| e.to_string())?,
        })
    }
}

#[async_trait]
impl Mailer for Smtp {
    async fn send(&self, mail: Mail) -> Result<(), String> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(mail
                .to
                .parse()
                .map_err(|e: lettre::address::AddressError| e.to_string())?)
            .subject(mail.subject)
            .body(mail.body)
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
