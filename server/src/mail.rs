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

/// How mail travels to the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailSecurity {
    /// `smtps://`: TLS from the first byte.
    ImplicitTls,
    /// `smtp://` (or `smtp://…?tls=required`): STARTTLS, and no mail if the server does not
    /// offer it.
    StartTls,
    /// `smtp://…?tls=none`: in clear, because the operator said so (a relay on the same host).
    Plain,
}

/// Decides how to reach the server at `url`, and the URL to hand lettre for it. lettre reads a
/// bare `smtp://` as plain text, never starting TLS, and `?tls=opportunistic` falls back to
/// plain text whenever an attacker on the path strips the server's STARTTLS offer: both would
/// send passwords and reset links in clear. So a bare `smtp://` means STARTTLS required,
/// `opportunistic` is refused, and only an explicit `?tls=none` sends in clear.
pub fn security(url: &str) -> Result<(MailSecurity, String), String> {
    const EXPECTED: &str = "smtps://… (TLS), smtp://… (STARTTLS required) or smtp://…?tls=none \
                            (in clear, for a relay on this host)";
    let mut parsed = url::Url::parse(url).map_err(|e| format!("{e}; expected {EXPECTED}"))?;
    let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
    let tls = pairs
        .iter()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.as_str());
    let security = match (parsed.scheme(), tls) {
        ("smtps", None) => MailSecurity::ImplicitTls,
        ("smtp", None | Some("required")) => MailSecurity::StartTls,
        ("smtp", Some("none")) => MailSecurity::Plain,
        ("smtp", Some("opportunistic")) => {
            return Err(format!(
                "tls=opportunistic falls back to plain text when the STARTTLS offer is \
                 stripped; expected {EXPECTED}"
            ))
        }
        _ => return Err(format!("expected {EXPECTED}")),
    };
    // lettre's default ports follow its own reading of `tls=`: keep the port a bare smtp://
    // always had (25).
    if parsed.scheme() == "smtp" && parsed.port().is_none() {
        parsed
            .set_port(Some(lettre::transport::smtp::SMTP_PORT))
            .map_err(|()| format!("expected {EXPECTED}"))?;
    }
    let others: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k != "tls").collect();
    {
        let mut query = parsed.query_pairs_mut();
        query.clear();
        for (k, v) in others {
            query.append_pair(k, v);
        }
        if security == MailSecurity::StartTls {
            query.append_pair("tls", "required");
        }
    }
    if parsed.query() == Some("") {
        parsed.set_query(None);
    }
    Ok((security, parsed.into()))
}

/// Sends through an SMTP server, encrypted as [`security`] decides.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let (security, url) = security(url)?;
        if security == MailSecurity::Plain {
            tracing::warn!("TREMPLIN_SMTP_URL has tls=none: mail leaves this host in clear");
        }
        Ok(Self {
            transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(url: &str) -> Result<(MailSecurity, String), String> {
        security(url)
    }

    #[test]
    fn a_bare_smtp_url_requires_starttls_on_the_port_it_always_had() {
        assert_eq!(
            decide("smtp://user:pass@mail.example.org").unwrap(),
            (
                MailSecurity::StartTls,
                "smtp://user:pass@mail.example.org:25?tls=required".into()
            )
        );
        assert_eq!(
            decide("smtp://mail.example.org:587?tls=required").unwrap(),
            (
                MailSecurity::StartTls,
                "smtp://mail.example.org:587?tls=required".into()
            )
        );
    }

    #[test]
    fn smtps_is_tls_from_the_first_byte() {
        assert_eq!(
            decide("smtps://user:pass@mail.example.org").unwrap(),
            (
                MailSecurity::ImplicitTls,
                "smtps://user:pass@mail.example.org".into()
            )
        );
    }

    #[test]
    fn plain_text_only_when_asked_for_by_name() {
        assert_eq!(
            decide("smtp://localhost:2525?tls=none").unwrap(),
            (MailSecurity::Plain, "smtp://localhost:2525".into())
        );
        for refused in [
            "smtp://mail.example.org?tls=opportunistic",
            "smtp://mail.example.org?tls=maybe",
            "smtps://mail.example.org?tls=none",
            "http://mail.example.org",
            "not a url",
        ] {
            assert!(decide(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn what_is_refused_does_not_show_the_password() {
        let e = decide("smtp://user:hunter2@mail.example.org?tls=opportunistic").unwrap_err();
        assert!(!e.contains("hunter2"), "{e}");
    }
}
