//! Who runs this instance, as its operator configured it: a link to their legal notice and an
//! address to write to. The footer shows what is set and nothing else (never invented text).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The operator's legal notice and contact; each unset unless configured.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    /// An `http(s)://` address of the legal notice (`TREMPLIN_LEGAL_NOTICE_URL`).
    pub legal_url: Option<String>,
    /// An email address (`TREMPLIN_CONTACT_EMAIL`).
    pub contact: Option<String>,
}

impl Operator {
    /// Checks both values: a notice that is not a plain web address (a `javascript:` URL) or a
    /// contact that is not one email address is refused, naming which.
    pub fn parse(legal_url: Option<&str>, contact: Option<&str>) -> Result<Self, &'static str> {
        let legal_url = match legal_url.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(url) if is_web_address(url) => Some(url.to_owned()),
            Some(_) => return Err("TREMPLIN_LEGAL_NOTICE_URL"),
        };
        let contact = match contact.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(mail) if is_email(mail) => Some(mail.to_owned()),
            Some(_) => return Err("TREMPLIN_CONTACT_EMAIL"),
        };
        Ok(Self { legal_url, contact })
    }
}

fn is_web_address(url: &str) -> bool {
    url.len() <= 500
        && (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"'`".contains(c))
}

fn is_email(mail: &str) -> bool {
    let Some((user, domain)) = mail.split_once('@') else {
        return false;
    };
    mail.len() <= 254
        && !user.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !mail
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"'`,;:()[]\\".contains(c))
}

/// The operator's legal notice and contact, for every page's footer.
#[server(prefix = "/api", endpoint = "operator")]
pub async fn operator_info() -> Result<Operator, AppError> {
    Ok(crate::ssr::state()?.operator.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_web_addresses_and_one_email_are_kept() {
        assert_eq!(Operator::parse(None, Some("  ")), Ok(Operator::default()));
        let ok =
            Operator::parse(Some("https://example.org/legal"), Some("hello@example.org")).unwrap();
        assert_eq!(ok.legal_url.as_deref(), Some("https://example.org/legal"));
        assert_eq!(ok.contact.as_deref(), Some("hello@example.org"));
        for bad in [
            "javascript:alert(1)",
            "https://",
            "ftp://example.org",
            "https://example.org/\"><script>",
            "https://exa mple.org",
        ] {
            assert_eq!(
                Operator::parse(Some(bad), None),
                Err("TREMPLIN_LEGAL_NOTICE_URL"),
                "{bad}"
            );
        }
        for bad in [
            "nobody",
            "a@b@example.org",
            "<x>@example.org",
            "a@localhost",
            "a@example.org\r\nBcc: x@y.z",
            "a@.org",
        ] {
            assert_eq!(
                Operator::parse(None, Some(bad)),
                Err("TREMPLIN_CONTACT_EMAIL"),
                "{bad}"
            );
        }
    }
}
