//! The default mailer: each message becomes a file in `data/outbox/`, and its first link is
//! logged, so password resets work on a machine with no mail server.

use std::path::PathBuf;

use app::ssr::{Mail, Mailer};
use async_trait::async_trait;

pub struct Outbox {
    dir: PathBuf,
}

impl Outbox {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
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
            .find(|w| w.starts_with("http://") || w.starts_with("https://"));
        tracing::info!(file = name, link, "mail written to the outbox");
        Ok(())
    }
}
