//! Outgoing mail sits behind a trait: the file outbox by default, SMTP by configuration.

use async_trait::async_trait;

#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, mail: Mail) -> Result<(), String>;
}
