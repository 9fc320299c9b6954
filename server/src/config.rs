//! Configuration: one struct read from `TREMPLIN_*` variables (and `.env` in development),
//! with defaults that run the embedded demo, validated before anything starts.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use app::accounts::password::Cost;
use app::live::video::IceServers;
use app::ssr::db::Backend;

use app::wallet::rules::FeeSchedule;

#[derive(Clone)]
pub struct Config {
    /// `sqlite://…` (default: a file in the data directory) or `postgres://…`.
    pub database_url: String,
    pub listen: SocketAddr,
    /// Public URL of the site, used in emails and to decide whether cookies are `Secure`.
    pub base_url: String,
    /// At least 64 bytes that sign session cookies; generated into the data directory if unset.
    pub session_secret: Option<Vec<u8>>,
    pub data_dir: PathBuf,
    /// Where cargo-leptos put the compiled site (`pkg/` and public assets).
    pub site_root: PathBuf,
    /// `smtp://user:pass@host:port` (STARTTLS required), `smtps://…` (TLS) or
    /// `smtp://…?tls=none` (in clear) to send mail; unset writes mail to `data/outbox/`.
    pub smtp_url: Option<String>,
    /// The sender of outgoing mail, such as `Tremplin <no-reply@example.org>`.
    pub mail_from: String,
    /// An S3-compatible bucket for uploads; unset keeps them in `data/media/`.
    pub s3: Option<S3>,
    pub password_cost: Cost,
    /// Reverse proxies whose `X-Forwarded-For` tells the client's address.
    pub trusted_proxies: Vec<IpAddr>,
    /// Bearer token for `/metrics`; unset, only local clients may read it.
    pub metrics_token: Option<String>,
    /// The smallest payout, in cents.
    pub payout_minimum: i64,
    /// Which processor takes card payments.
    pub payments: Payments,
    /// The test-mode processor's fee.
    pub test_processor_fee: FeeSchedule,
    /// Signs the test-mode processor's webhooks; unset, derived from the session key.
    pub webhook_secret: Option<String>,
    /// Hours a brand has to review a delivery before the escrow is released on its own.
    pub deal_review_hours: i64,
    /// Minutes a checkout holds its stock while the buyer pays.
    pub checkout_minutes: i64,
    /// Days after delivery a buyer may return, before the creator's commission is released.
    pub return_days: i64,
    /// The media server carrying live video.
    pub media: Media,
    /// WHIP/WHEP session requests one client address may make per minute.
    pub media_sessions_per_minute: i64,
    /// Accounts one client address may open per hour.
    pub signups_per_hour: i64,
    /// Live-room sockets one client address may hold open on an instance.
    pub room_sockets_per_address: u32,
    /// Mounts `POST /test/clock`, which moves the workers' clock ahead: end-to-end tests only.
    pub test_clock: bool,
    /// `TREMPLIN_ALLOW_TEST_MODE=1`: lets an `https://` site run the test-mode processor, the
    /// test clock or the demo data (a public staging site). Without it they are refused there.
    pub allow_test_mode: bool,
    /// The operator's legal notice (`TREMPLIN_LEGAL_NOTICE_URL`) and contact address
    /// (`TREMPLIN_CONTACT_EMAIL`), linked from every page's footer.
    pub operator: app::site::operator::Operator,
}

/// The payment processor (`TREMPLIN_PAYMENTS`).
#[derive(Clone)]
pub enum Payments {
    /// The built-in test-mode processor: no real money moves.
    Test,
    Stripe(Stripe),
}

/// A Stripe account to take card payments with.
#[derive(Clone)]
pub struct Stripe {
    /// `sk_…` (or a restricted `rk_…` key), sent as the bearer token.
    pub secret_key: String,
    /// `whsec_…`, the signing secret of the webhook endpoint registered with Stripe.
    pub webhook_secret: String,
    /// `https://api.stripe.com` unless pointed at a stand-in, without a trailing slash.
    pub api_base: String,
    /// What Stripe charges the account per card payment, to gross up a card payment that must
    /// leave an exact amount (a deal's escrow).
    pub fee: FeeSchedule,
}

/// Which media server carries live video (`TREMPLIN_MEDIA`).
#[derive(Clone, Debug)]
pub enum Media {
    /// The built-in SFU on one UDP port.
    Embedded(crate::media::EmbeddedSettings),
    /// A WHIP/WHEP server elsewhere, such as MediaMTX.
    External(crate::media::external::External),
}

/// Where uploads go when they leave the local disk.
#[derive(Clone)]
pub struct S3 {
    pub bucket: String,
    /// For S3-compatible services (MinIO, Garage, R2...); unset means AWS.
    pub endpoint: Option<String>,
    pub region: String,
    /// From the standard `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`; without them the
    /// other AWS sources (instance roles...) are tried.
    pub credentials: Option<(String, String)>,
}

/// A configuration problem, naming the variable and what it expects.
#[derive(Debug, thiserror::Error)]
#[error("{var}: {expected} (got {got:?})")]
pub struct ConfigError {
    pub var: &'static str,
    pub expected: &'static str,
    pub got: String,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads the configuration through `get`, so tests can pass their own variables.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let data_dir = PathBuf::from(var("TREMPLIN_DATA_DIR").unwrap_or_else(|| "data".into()));

        let database_url = var("TREMPLIN_DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}/tremplin.db", data_dir.display()));
        if Backend::of_url(&database_url).is_none() {
            return Err(ConfigError {
                var: "TREMPLIN_DATABASE_URL",
                expected: "a sqlite:// or postgres:// URL",
                got: redact(&database_url),
            });
        }

        let listen_raw = var("TREMPLIN_LISTEN").unwrap_or_else(|| "127.0.0.1:3000".into());
        let listen = listen_raw.parse().map_err(|_| ConfigError {
            var: "TREMPLIN_LISTEN",
            expected: "an address and port such as 127.0.0.1:3000",
            got: listen_raw.clone(),
        })?;

        let base_url = var("TREMPLIN_BASE_URL")
            .unwrap_or_else(|| format!("http://{listen}"))
            .trim_end_matches('/')
            .to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(ConfigError {
                var: "TREMPLIN_BASE_URL",
                expected: "an http:// or https:// URL",
                got: base_url,
            });
        }

        let session_secret = match var("TREMPLIN_SESSION_SECRET") {
            None => None,
            Some(s) if s.len() >= 64 => Some(s.into_bytes()),
            Some(_) => {
                return Err(ConfigError {
                    var: "TREMPLIN_SESSION_SECRET",
                    expected: "at least 64 characters",
                    got: "(hidden)".into(),
                })
            }
        };

        let smtp_url = var("TREMPLIN_SMTP_URL");
        if let Some(url) = &smtp_url {
            if crate::mail::security(url).is_err() {
                return Err(ConfigError {
                    var: "TREMPLIN_SMTP_URL",
                    expected: "smtps://… (TLS), smtp://… (STARTTLS required) or \
                               smtp://…?tls=none (in clear: a relay on this host)",
                    got: redact(url),
                });
            }
        }

        let mail_from =
            var("TREMPLIN_MAIL_FROM").unwrap_or_else(|| "Tremplin <no-reply@localhost>".into());
        if !mail_from.contains('@') {
            return Err(ConfigError {
                var: "TREMPLIN_MAIL_FROM",
                expected: "an address such as Tremplin <no-reply@example.org>",
                got: mail_from,
            });
        }

        let s3 = var("TREMPLIN_S3_BUCKET").map(|bucket| S3 {
            bucket,
            endpoint: var("TREMPLIN_S3_ENDPOINT"),
            region: var("TREMPLIN_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
            credentials: var("AWS_ACCESS_KEY_ID").zip(var("AWS_SECRET_ACCESS_KEY")),
        });

        let proxies_raw = var("TREMPLIN_TRUSTED_PROXIES").unwrap_or_default();
        let trusted_proxies = proxies_raw
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map_err(|_| ConfigError {
                var: "TREMPLIN_TRUSTED_PROXIES",
                expected: "IP addresses separated by commas, such as 10.0.0.2,10.0.0.3",
                got: proxies_raw.clone(),
            })?;

        let metrics_token = var("TREMPLIN_METRICS_TOKEN");
        if metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
            return Err(ConfigError {
                var: "TREMPLIN_METRICS_TOKEN",
                expected: "at least 16 characters",
                got: "(hidden)".into(),
            });
        }

        let minimum_raw = var("TREMPLIN_PAYOUT_MINIMUM").unwrap_or_else(|| {
            let cents = app::earnings::rules::PAYOUT_MINIMUM;
            format!("{}.{:02}", cents / 100, cents % 100)
        });
        let payout_minimum = app::ledger::rules::parse_amount(
            &minimum_raw,
            app::ledger::types::Currency::Eur,
            1,
            app::ledger::rules::MAX_AMOUNT,
        )
        .map_err(|_| ConfigError {
            var: "TREMPLIN_PAYOUT_MINIMUM",
            expected: "an amount in euros, such as 20 or 12.50",
            got: minimum_raw.clone(),
        })?
        .minor;

        let legal_raw = var("TREMPLIN_LEGAL_NOTICE_URL");
        let contact_raw = var("TREMPLIN_CONTACT_EMAIL");
        let operator =
            app::site::operator::Operator::parse(legal_raw.as_deref(), contact_raw.as_deref())
                .map_err(|var| ConfigError {
                    var,
                    expected: if var == "TREMPLIN_CONTACT_EMAIL" {
                        "one email address, such as hello@example.org"
                    } else {
                        "an http:// or https:// address of the legal notice"
                    },
                    got: if var == "TREMPLIN_CONTACT_EMAIL" {
                        contact_raw.clone().unwrap_or_default()
                    } else {
                        legal_raw.clone().unwrap_or_default()
                    },
                })?;

        let fee_raw = var("TREMPLIN_TEST_PROCESSOR_FEE").unwrap_or_else(|| "1.5%+0.25".into());
        let test_processor_fee = FeeSchedule::parse(&fee_raw).ok_or_else(|| ConfigError {
            var: "TREMPLIN_TEST_PROCESSOR_FEE",
            expected: "a percentage below 100 plus a fixed amount in euros, such as 1.5%+0.25",
            got: fee_raw.clone(),
        })?;
        let webhook_secret = var("TREMPLIN_PAYMENTS_WEBHOOK_SECRET");
        if webhook_secret.as_ref().is_some_and(|s| s.len() < 16) {
            return Err(ConfigError {
                var: "TREMPLIN_PAYMENTS_WEBHOOK_SECRET",
                expected: "at least 16 characters",
                got: "(hidden)".into(),
            });
        }

        let payments = match var("TREMPLIN_PAYMENTS").as_deref() {
            None | Some("test") => Payments::Test,
            Some("stripe") => Payments::Stripe(stripe(&var)?),
            Some(other) => {
                return Err(ConfigError {
                    var: "TREMPLIN_PAYMENTS",
                    expected: "test or stripe",
                    got: other.to_owned(),
                })
            }
        };

        let public = base_url.starts_with("https://");
        let allow_test_mode = match var("TREMPLIN_ALLOW_TEST_MODE").as_deref() {
            None | Some("0") => false,
            Some("1") => true,
            Some(other) => {
                return Err(ConfigError {
                    var: "TREMPLIN_ALLOW_TEST_MODE",
                    expected: "0, or 1 to run test mode on an https:// address",
                    got: other.to_owned(),
                })
            }
        };
        // An https:// address is a site people use: what fakes money or time is refused there
        // unless the operator says by name that it is a staging site.
        let test_mode_refused = public && !allow_test_mode;
        let test_clock = match var("TREMPLIN_TEST_CLOCK").as_deref() {
            None | Some("0") => false,
            Some("1") if !test_mode_refused => true,
            Some(other) => {
                return Err(ConfigError {
                    var: "TREMPLIN_TEST_CLOCK",
                    expected: "0, or 1 on a development address (http://) or with \
                               TREMPLIN_ALLOW_TEST_MODE=1",
                    got: other.to_owned(),
                })
            }
        };
        if test_mode_refused && matches!(payments, Payments::Test) {
            return Err(ConfigError {
                var: "TREMPLIN_PAYMENTS",
                expected: "stripe on an https:// address (the test processor takes no real \
                           money; TREMPLIN_ALLOW_TEST_MODE=1 allows it on a staging site)",
                got: "test".into(),
            });
        }
        if public && metrics_token.is_none() {
            return Err(ConfigError {
                var: "TREMPLIN_METRICS_TOKEN",
                expected: "a token of at least 16 characters on an https:// address (behind a \
                           proxy every client looks local)",
                got: "(unset)".into(),
            });
        }

        let deal_review_hours = ranged(
            &var,
            "TREMPLIN_DEAL_REVIEW_HOURS",
            72,
            1..=720,
            "a number of hours from 1 to 720",
        )?;
        let checkout_minutes = ranged(
            &var,
            "TREMPLIN_CHECKOUT_MINUTES",
            15,
            1..=1_440,
            "a number of minutes from 1 to 1440",
        )?;
        let return_days = ranged(
            &var,
            "TREMPLIN_RETURN_DAYS",
            14,
            0..=90,
            "a number of days from 0 to 90",
        )?;

        let media = media(&var)?;
        let media_sessions_per_minute = ranged(
            &var,
            "TREMPLIN_MEDIA_SESSIONS_PER_MINUTE",
            60,
            1..=100_000,
            "a number of sessions from 1 to 100000",
        )?;

        let signups_per_hour = ranged(
            &var,
            "TREMPLIN_SIGNUPS_PER_HOUR",
            app::accounts::rules::SIGNUPS_PER_IP.limit,
            1..=100_000,
            "a number of accounts from 1 to 100000",
        )?;

        let room_sockets_per_address = ranged(
            &var,
            "TREMPLIN_ROOM_SOCKETS_PER_ADDRESS",
            100,
            1..=1_000_000,
            "a number of connections from 1 to 1000000",
        )? as u32;

        Ok(Self {
            media,
            media_sessions_per_minute,
            signups_per_hour,
            room_sockets_per_address,
            deal_review_hours,
            checkout_minutes,
            return_days,
            test_clock,
            allow_test_mode,
            database_url,
            listen,
            base_url,
            session_secret,
            site_root: PathBuf::from(
                var("TREMPLIN_SITE_ROOT")
                    .or_else(|| var("LEPTOS_SITE_ROOT"))
                    .unwrap_or_else(|| "target/site".into()),
            ),
            data_dir,
            smtp_url,
            mail_from,
            s3,
            password_cost: Cost::STANDARD,
            trusted_proxies,
            metrics_token,
            payout_minimum,
            payments,
            test_processor_fee,
            webhook_secret,
            operator,
        })
    }

    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// Whether demo data (known passwords, an operator account) may be loaded or served: not
    /// on an https:// address, unless `TREMPLIN_ALLOW_TEST_MODE=1`.
    pub fn demo_data_allowed(&self) -> Result<(), ConfigError> {
        if self.secure_cookies() && !self.allow_test_mode {
            return Err(ConfigError {
                var: "TREMPLIN_ALLOW_TEST_MODE",
                expected: "1 to load or serve demo data on an https:// address (its accounts \
                           share one published password)",
                got: "(unset)".into(),
            });
        }
        Ok(())
    }
}

/// The media server's settings, all checked before anything starts.
fn media(var: &impl Fn(&str) -> Option<String>) -> Result<Media, ConfigError> {
    let urls: Vec<String> = var("TREMPLIN_ICE_SERVERS")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if let Some(bad) = urls.iter().find(|s| {
        !["stun:", "turn:", "turns:"]
            .iter()
            .any(|p| s.starts_with(p))
    }) {
        return Err(ConfigError {
            var: "TREMPLIN_ICE_SERVERS",
            expected: "stun:, turn: or turns: URLs separated by commas",
            got: bad.clone(),
        });
    }
    let turn_login = var("TREMPLIN_TURN_USERNAME").zip(var("TREMPLIN_TURN_CREDENTIAL"));
    if turn_login.is_none() {
        if let Some(turn) = urls.iter().find(|s| s.starts_with("turn")) {
            // Browsers refuse a TURN server without them, and then open no connection at all.
            return Err(ConfigError {
                var: "TREMPLIN_TURN_USERNAME",
                expected: "a username and TREMPLIN_TURN_CREDENTIAL for the TURN server",
                got: turn.clone(),
            });
        }
    }
    let ice_servers = IceServers { urls, turn_login };
    match var("TREMPLIN_MEDIA").as_deref() {
        None | Some("embedded") => {}
        Some("external") => {
            let base = var("TREMPLIN_MEDIA_URL").ok_or(ConfigError {
                var: "TREMPLIN_MEDIA_URL",
                expected: "the external server's public WHIP/WHEP base URL",
                got: String::new(),
            })?;
            if !(base.starts_with("http://") || base.starts_with("https://")) {
                return Err(ConfigError {
                    var: "TREMPLIN_MEDIA_URL",
                    expected: "an http:// or https:// URL",
                    got: base,
                });
            }
            let api = var("TREMPLIN_MEDIA_API");
            if let Some(bad) = api
                .as_ref()
                .filter(|a| !(a.starts_with("http://") || a.starts_with("https://")))
            {
                return Err(ConfigError {
                    var: "TREMPLIN_MEDIA_API",
                    expected: "the external server's control API, an http:// or https:// URL",
                    got: bad.clone(),
                });
            }
            return Ok(Media::External(crate::media::external::External {
                base: base.trim_end_matches('/').to_owned(),
                ice_servers,
                api: api.map(|a| a.trim_end_matches('/').to_owned()),
            }));
        }
        Some(other) => {
            return Err(ConfigError {
                var: "TREMPLIN_MEDIA",
                expected: "embedded or external",
                got: other.to_owned(),
            })
        }
    }
    let udp_raw = var("TREMPLIN_MEDIA_UDP").unwrap_or_else(|| "0.0.0.0:8189".into());
    let udp: SocketAddr = udp_raw.parse().map_err(|_| ConfigError {
        var: "TREMPLIN_MEDIA_UDP",
        expected: "an address and UDP port such as 0.0.0.0:8189",
        got: udp_raw.clone(),
    })?;
    let public_ip = match var("TREMPLIN_MEDIA_PUBLIC_IP") {
        Some(raw) => raw.parse().map_err(|_| ConfigError {
            var: "TREMPLIN_MEDIA_PUBLIC_IP",
            expected: "the IP address peers reach this host at",
            got: raw.clone(),
        })?,
        None if !udp.ip().is_unspecified() => udp.ip(),
        None => outbound_ip(),
    };
    let max_sessions = ranged(
        var,
        "TREMPLIN_MEDIA_MAX_SESSIONS",
        1_000,
        1..=100_000,
        "a number of sessions from 1 to 100000",
    )?;
    Ok(Media::Embedded(crate::media::EmbeddedSettings {
        udp,
        public_ip,
        ice_servers,
        max_sessions: max_sessions as usize,
    }))
}

/// The address this host's outgoing traffic leaves from (a connected UDP socket sends
/// nothing), or loopback when there is no route out.
fn outbound_ip() -> IpAddr {
    std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("192.0.2.1:9").map(|()| s))
        .and_then(|s| s.local_addr())
        .map(|a| a.ip())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST))
}

/// A whole number from `var`, `default` when unset, refused outside `range`.
fn ranged(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
    expected: &'static str,
) -> Result<i64, ConfigError> {
    let Some(raw) = var(name) else {
        return Ok(default);
    };
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or(ConfigError {
            var: name,
            expected,
            got: raw,
        })
}

fn stripe(var: &impl Fn(&str) -> Option<String>) -> Result<Stripe, ConfigError> {
    let required = |name: &'static str, prefixes: &[&str], expected: &'static str| {
        let value = var(name).ok_or(ConfigError {
            var: name,
            expected,
            got: "(unset)".into(),
        })?;
        if prefixes.iter().any(|p| value.starts_with(p)) {
            Ok(value)
        } else {
            Err(ConfigError {
                var: name,
                expected,
                got: "(hidden)".into(),
            })
        }
    };
    let secret_key = required(
        "TREMPLIN_STRIPE_SECRET_KEY",
        &["sk_", "rk_"],
        "the Stripe account's secret key (sk_… or a restricted rk_… key)",
    )?;
    let webhook_secret = required(
        "TREMPLIN_STRIPE_WEBHOOK_SECRET",
        &["whsec_"],
        "the signing secret (whsec_…) of the webhook endpoint registered with Stripe",
    )?;
    let api_base = var("TREMPLIN_STRIPE_API_BASE")
        .unwrap_or_else(|| "https://api.stripe.com".into())
        .trim_end_matches('/')
        .to_owned();
    // A live key must never travel in clear; plain HTTP is for a local stand-in.
    let test_key = secret_key.starts_with("sk_test_") || secret_key.starts_with("rk_test_");
    if !(api_base.starts_with("https://") || (test_key && api_base.starts_with("http://"))) {
        return Err(ConfigError {
            var: "TREMPLIN_STRIPE_API_BASE",
            expected: "an https:// URL (http:// only with a test key)",
            got: api_base,
        });
    }
    let fee_raw = var("TREMPLIN_STRIPE_FEE").unwrap_or_else(|| "1.5%+0.25".into());
    let fee = FeeSchedule::parse(&fee_raw).ok_or_else(|| ConfigError {
        var: "TREMPLIN_STRIPE_FEE",
        expected: "a percentage below 100 plus a fixed amount in euros, such as 1.5%+0.25",
        got: fee_raw.clone(),
    })?;
    Ok(Stripe {
        secret_key,
        webhook_secret,
        api_base,
        fee,
    })
}

/// A URL with its password hidden, for error messages and logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
    }

    #[test]
    fn defaults_run_the_embedded_demo() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url, "sqlite://data/tremplin.db");
        assert_eq!(c.base_url, "http://127.0.0.1:3000");
        assert!(!c.secure_cookies());
        assert_eq!(c.payout_minimum, 2_000);
    }

    #[test]
    fn the_payout_minimum_is_an_amount_in_euros() {
        let c = config(&[("TREMPLIN_PAYOUT_MINIMUM", "12,50")]).unwrap();
        assert_eq!(c.payout_minimum, 1_250);
        for bad in ["0", "-5", "lots"] {
            let e = config(&[("TREMPLIN_PAYOUT_MINIMUM", bad)]).err().unwrap();
            assert_eq!(e.var, "TREMPLIN_PAYOUT_MINIMUM", "{bad}");
        }
    }

    #[test]
    fn the_operators_notice_and_contact_are_checked_at_start() {
        let c = config(&[
            ("TREMPLIN_LEGAL_NOTICE_URL", "https://example.org/legal"),
            ("TREMPLIN_CONTACT_EMAIL", "hello@example.org"),
        ])
        .unwrap();
        assert_eq!(c.operator.contact.as_deref(), Some("hello@example.org"));
        assert_eq!(config(&[]).unwrap().operator, Default::default());
        let e = config(&[("TREMPLIN_LEGAL_NOTICE_URL", "javascript:alert(1)")])
            .err()
            .unwrap();
        assert_eq!(e.var, "TREMPLIN_LEGAL_NOTICE_URL");
        let e = config(&[("TREMPLIN_CONTACT_EMAIL", "x@y.z>\r\nBcc: a@b.c")])
            .err()
            .unwrap();
        assert_eq!(e.var, "TREMPLIN_CONTACT_EMAIL");
    }

    #[test]
    fn turn_servers_need_their_login_and_ice_urls_their_scheme() {
        let turn = (
            "TREMPLIN_ICE_SERVERS",
            "stun:stun.example.org, turn:turn.example.org",
        );
        let e = config(&[turn]).err().unwrap();
        assert_eq!(e.var, "TREMPLIN_TURN_USERNAME");
        let c = config(&[
            turn,
            ("TREMPLIN_TURN_USERNAME", "tremplin"),
            ("TREMPLIN_TURN_CREDENTIAL", "s3cret"),
        ])
        .unwrap();
        let Media::Embedded(media) = c.media else {
            panic!("the embedded server is the default");
        };
        assert_eq!(
            media.ice_servers.urls,
            ["stun:stun.example.org", "turn:turn.example.org"]
        );
        assert_eq!(
            media.ice_servers.turn_login,
            Some(("tremplin".into(), "s3cret".into()))
        );
        let e = config(&[("TREMPLIN_ICE_SERVERS", "http://stun.example.org")])
            .err()
            .unwrap();
        assert_eq!(e.var, "TREMPLIN_ICE_SERVERS");
    }

    #[test]
    fn invalid_values_name_the_variable() {
        let e = config(&[("TREMPLIN_DATABASE_URL", "mysql://u:secret@h/db")])
            .err()
            .unwrap();
        assert_eq!(e.var, "TREMPLIN_DATABASE_URL");
        assert!(!e.to_string().contains("secret"));
        let e = config(&[("TREMPLIN_LISTEN", "nowhere")]).err().unwrap();
        assert_eq!(e.var, "TREMPLIN_LISTEN");
        let e = config(&[("TREMPLIN_SESSION_SECRET", "short")])
            .err()
            .unwrap();
        assert_eq!(e.var, "TREMPLIN_SESSION_SECRET");
        let e = config(&[("TREMPLIN_BASE_URL", "example.com")])
            .err()
            .unwrap();
        assert_eq!(e.var, "TREMPLIN_BASE_URL");
        let e = config(&[("TREMPLIN_TRUSTED_PROXIES", "10.0.0.2,proxy")])
            .err()
            .unwrap();
        assert_eq!(e.var, "TREMPLIN_TRUSTED_PROXIES");
        let c = config(&[("TREMPLIN_TRUSTED_PROXIES", "10.0.0.2, ::1")]).unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
    }

    #[test]
    fn the_review_window_and_the_test_clock_are_checked() {
        let c = config(&[]).unwrap();
        assert_eq!((c.deal_review_hours, c.test_clock), (72, false));
        assert_eq!((c.checkout_minutes, c.return_days), (15, 14));
        let c = config(&[
            ("TREMPLIN_CHECKOUT_MINUTES", "5"),
            ("TREMPLIN_RETURN_DAYS", "0"),
        ]);
        assert_eq!(
            c.map(|c| (c.checkout_minutes, c.return_days)).ok(),
            Some((5, 0))
        );
        for (var, bad) in [
            ("TREMPLIN_CHECKOUT_MINUTES", "0"),
            ("TREMPLIN_RETURN_DAYS", "-1"),
        ] {
            assert_eq!(config(&[(var, bad)]).err().unwrap().var, var);
        }
        let c = config(&[
            ("TREMPLIN_DEAL_REVIEW_HOURS", "24"),
            ("TREMPLIN_TEST_CLOCK", "1"),
        ]);
        let c = c.unwrap();
        assert_eq!((c.deal_review_hours, c.test_clock), (24, true));
        for bad in ["0", "721", "a day"] {
            let e = config(&[("TREMPLIN_DEAL_REVIEW_HOURS", bad)])
                .err()
                .unwrap();
            assert_eq!(e.var, "TREMPLIN_DEAL_REVIEW_HOURS", "{bad}");
        }
        let on_https = [
            ("TREMPLIN_TEST_CLOCK", "1"),
            ("TREMPLIN_BASE_URL", "https://tremplin.example"),
            ("TREMPLIN_METRICS_TOKEN", METRICS_TOKEN),
            ("TREMPLIN_ALLOW_TEST_MODE", "0"),
        ];
        assert_eq!(config(&on_https).err().unwrap().var, "TREMPLIN_TEST_CLOCK");
    }

    const METRICS_TOKEN: &str = "a metrics token for tests";

    #[test]
    fn an_https_site_refuses_test_mode_unless_forced_by_name() {
        let https = ("TREMPLIN_BASE_URL", "https://tremplin.example");
        let token = ("TREMPLIN_METRICS_TOKEN", METRICS_TOKEN);
        let stripe = [
            ("TREMPLIN_PAYMENTS", "stripe"),
            ("TREMPLIN_STRIPE_SECRET_KEY", "sk_live_secret"),
            ("TREMPLIN_STRIPE_WEBHOOK_SECRET", "whsec_secret"),
        ];
        // The test processor, by default or by name.
        assert_eq!(
            config(&[https, token]).err().unwrap().var,
            "TREMPLIN_PAYMENTS"
        );
        let named = [https, token, ("TREMPLIN_PAYMENTS", "test")];
        assert_eq!(config(&named).err().unwrap().var, "TREMPLIN_PAYMENTS");
        // No metrics token.
        let e = config(&[https, stripe[0], stripe[1], stripe[2]])
            .err()
            .unwrap();
        assert_eq!(e.var, "TREMPLIN_METRICS_TOKEN");
        // A real site: demo data refused.
        let c = config(&[https, token, stripe[0], stripe[1], stripe[2]]).unwrap();
        assert!(!c.allow_test_mode);
        assert_eq!(
            c.demo_data_allowed().err().unwrap().var,
            "TREMPLIN_ALLOW_TEST_MODE"
        );
        // A staging site, said so by name: the test processor, clock and demo data run.
        let forced = [
            https,
            token,
            ("TREMPLIN_ALLOW_TEST_MODE", "1"),
            ("TREMPLIN_TEST_CLOCK", "1"),
        ];
        let c = config(&forced).unwrap();
        assert!(matches!(c.payments, Payments::Test) && c.test_clock);
        assert!(c.demo_data_allowed().is_ok());
        let e = config(&[https, token, ("TREMPLIN_ALLOW_TEST_MODE", "yes")])
            .err()
            .unwrap();
        assert_eq!(e.var, "TREMPLIN_ALLOW_TEST_MODE");
        // A development address needs none of this.
        assert!(config(&[]).unwrap().demo_data_allowed().is_ok());
    }

    #[test]
    fn a_processor_fee_of_everything_is_refused() {
        for var in ["TREMPLIN_TEST_PROCESSOR_FEE", "TREMPLIN_STRIPE_FEE"] {
            let e = config(&[
                (var, "100%+0"),
                ("TREMPLIN_PAYMENTS", "stripe"),
                ("TREMPLIN_STRIPE_SECRET_KEY", "sk_test_secret"),
                ("TREMPLIN_STRIPE_WEBHOOK_SECRET", "whsec_secret"),
            ])
            .err()
            .unwrap();
            assert_eq!(e.var, var);
        }
    }

    #[test]
    fn payments_default_to_the_test_processor() {
        assert!(matches!(config(&[]).unwrap().payments, Payments::Test));
        let c = config(&[("TREMPLIN_PAYMENTS", "test")]).unwrap();
        assert!(matches!(c.payments, Payments::Test));
        let e = config(&[("TREMPLIN_PAYMENTS", "paypal")]).err().unwrap();
        assert_eq!(e.var, "TREMPLIN_PAYMENTS");
    }

    #[test]
    fn stripe_needs_its_keys_and_keeps_them_out_of_errors() {
        let key = ("TREMPLIN_STRIPE_SECRET_KEY", "sk_live_secret");
        let hook = ("TREMPLIN_STRIPE_WEBHOOK_SECRET", "whsec_secret");
        let stripe = ("TREMPLIN_PAYMENTS", "stripe");
        let Payments::Stripe(s) = config(&[stripe, key, hook]).unwrap().payments else {
            panic!("TREMPLIN_PAYMENTS=stripe should choose Stripe");
        };
        assert_eq!(s.secret_key, "sk_live_secret");
        assert_eq!(s.webhook_secret, "whsec_secret");
        assert_eq!(s.api_base, "https://api.stripe.com");

        let e = config(&[stripe, hook]).err().unwrap();
        assert_eq!(e.var, "TREMPLIN_STRIPE_SECRET_KEY");
        assert!(e.to_string().contains("(unset)"), "{e}");
        let e = config(&[stripe, key]).err().unwrap();
        assert_eq!(e.var, "TREMPLIN_STRIPE_WEBHOOK_SECRET");
        // A key pasted into the wrong variable is refused without being shown.
        let e = config(&[
            stripe,
            key,
            ("TREMPLIN_STRIPE_WEBHOOK_SECRET", "sk_live_secret"),
        ])
        .err()
        .unwrap();
        assert_eq!(e.var, "TREMPLIN_STRIPE_WEBHOOK_SECRET");
        assert!(!e.to_string().contains("sk_live"), "{e}");
        let e = config(&[
            stripe,
            ("TREMPLIN_STRIPE_SECRET_KEY", "pk_live_public"),
            hook,
        ])
        .err()
        .unwrap();
        assert_eq!(e.var, "TREMPLIN_STRIPE_SECRET_KEY");
        // Without TREMPLIN_PAYMENTS=stripe the keys are not used, so not required either.
        assert!(matches!(config(&[key]).unwrap().payments, Payments::Test));
    }

    #[test]
    fn the_stripe_api_base_may_be_plain_http_only_with_a_test_key() {
        let test_key = [
            ("TREMPLIN_PAYMENTS", "stripe"),
            ("TREMPLIN_STRIPE_SECRET_KEY", "sk_test_secret"),
            ("TREMPLIN_STRIPE_WEBHOOK_SECRET", "whsec_secret"),
            ("TREMPLIN_STRIPE_API_BASE", "http://127.0.0.1:12111/"),
        ];
        let Payments::Stripe(s) = config(&test_key).unwrap().payments else {
            panic!("TREMPLIN_PAYMENTS=stripe should choose Stripe");
        };
        assert_eq!(s.api_base, "http://127.0.0.1:12111");
        let mut live_key = test_key;
        live_key[1].1 = "sk_live_secret";
        let e = config(&live_key).err().unwrap();
        assert_eq!(e.var, "TREMPLIN_STRIPE_API_BASE");
        let mut not_a_url = test_key;
        not_a_url[3].1 = "api.stripe.com";
        let e = config(&not_a_url).err().unwrap();
        assert_eq!(e.var, "TREMPLIN_STRIPE_API_BASE");
    }

    #[test]
    fn https_base_url_makes_cookies_secure() {
        let c = config(&[
            ("TREMPLIN_BASE_URL", "https://tremplin.example/"),
            ("TREMPLIN_METRICS_TOKEN", METRICS_TOKEN),
            ("TREMPLIN_ALLOW_TEST_MODE", "1"),
        ])
        .unwrap();
        assert!(c.secure_cookies());
        assert_eq!(c.base_url, "https://tremplin.example");
    }
}
