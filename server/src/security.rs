//! Sessions (stored in the application database) and cross-site request forgery checks.

use async_trait::async_trait;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::cookie::{Key, SameSite};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use app::ssr::ClientIp;

use crate::config::Config;

/// The cookie that carries the session id.
pub const SESSION_COOKIE: &str = "tremplin_session";

/// The session store of whichever database the app runs on.
#[derive(Debug, Clone)]
pub enum Sessions {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Sessions {
    /// Opens the store on `database_url` and creates its table if needed.
    pub async fn connect(database_url: &str) -> Result<Self, sqlx::Error> {
        let store = if database_url.starts_with("sqlite:") {
            let options: sqlx::sqlite::SqliteConnectOptions = database_url.parse()?;
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(
                    options
                        .create_if_missing(true)
                        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                        .busy_timeout(std::time::Duration::from_secs(10)),
                )
                .await?;
            let store = SqliteStore::new(pool);
            store.migrate().await?;
            Self::Sqlite(store)
        } else {
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(8)
                .connect(database_url)
                .await?;
            let store = PostgresStore::new(pool);
            store.migrate().await?;
            Self::Postgres(store)
        };
        Ok(store)
    }

    /// Removes expired sessions every hour, for as long as the process runs.
    pub fn spawn_cleanup(&self) {
        let store = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                tick.tick().await;
                if let Err(e) = store.delete_expired().await {
                    tracing::warn!("deleting expired sessions failed: {e}");
                }
            }
        });
    }

    pub fn layer(
        self,
        config: &Config,
        key: Key,
    ) -> SessionManagerLayer<Self, tower_sessions::service::SignedCookie> {
        SessionManagerLayer::new(self)
            .with_name(SESSION_COOKIE)
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(config.secure_cookies())
            .with_expiry(Expiry::OnInactivity(
                tower_sessions::cookie::time::Duration::days(30),
            ))
            .with_signed(key)
    }
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.create(record).await,
            Self::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.save(record).await,
            Self::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Sqlite(s) => s.load(id).await,
            Self::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.delete(id).await,
            Self::Postgres(s) => s.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.delete_expired().await,
            Self::Postgres(s) => s.delete_expired().await,
        }
    }
}

/// The key that signs session cookies: from the configuration, else generated once into the
/// data directory so sessions survive restarts.
pub fn session_key(config: &Config) -> std::io::Result<Key> {
    if let Some(secret) = &config.session_secret {
        return Key::try_from(secret.as_slice()).map_err(std::io::Error::other);
    }
    let path = config.data_dir.join("session.key");
    match std::fs::read(&path).map(|bytes| Key::try_from(bytes.as_slice())) {
        Ok(Ok(key)) => Ok(key),
        _ => {
            let key = Key::generate();
            std::fs::create_dir_all(&config.data_dir)?;
            // Whoever reads this file can forge sessions: owner-only.
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            std::io::Write::write_all(&mut options.open(&path)?, key.master())?;
            Ok(key)
        }
    }
}

/// Rejects state-changing requests that a browser says come from another site.
///
/// Leptos server functions have no CSRF token of their own. Browsers label every request with
/// `Sec-Fetch-Site`, and send `Origin` on every POST; either one showing a foreign origin is
/// refused. Requests without both come from non-browser clients, which cannot carry a
/// victim's cookies, and pass.
pub async fn csrf(State(base_url): State<String>, request: Request, next: Next) -> Response {
    if is_safe(request.method()) || same_site(&request, &base_url) {
        return next.run(request).await;
    }
    tracing::warn!(
        origin = ?request.headers().get(header::ORIGIN),
        path = %request.uri().path(),
        "cross-site request refused"
    );
    (StatusCode::FORBIDDEN, "cross-site request refused").into_response()
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn same_site(request: &Request, base_url: &str) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    origin == base_url || origin.split_once("://").map(|(_, h)| h) == host
}

/// Proxies allowed to tell the client's address in `X-Forwarded-For`.
#[derive(Clone)]
pub struct TrustedProxies(pub std::sync::Arc<[std::net::IpAddr]>);

/// Records who is calling as a [`ClientIp`] extension: the peer address, or, when the peer is
/// a trusted proxy, the nearest address in `X-Forwarded-For` that is not one of ours. Rate
/// limits and `/metrics` read it; without it, every client behind a proxy would share one
/// address.
pub async fn client_ip(
    State(TrustedProxies(trusted)): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    use axum::extract::ConnectInfo;
    let peer = request
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map_or(std::net::IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    let forwarded = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
        .collect::<Vec<_>>();
    if trusted.is_empty() && !forwarded.is_empty() {
        untrusted_forwarding();
    }
    let client = if trusted.contains(&peer) {
        forwarded
            .iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .or(forwarded.first())
            .copied()
            .unwrap_or(peer)
    } else {
        peer
    };
    request.extensions_mut().insert(ClientIp(client));
    next.run(request).await
}

/// Whether `path` stays on this site: a path, not `//host` or what browsers read as such
/// (they drop tabs and newlines and read `\` as `/`, so `/\t/x` would be `//x`).
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.chars().any(|c| c == '\\' || c.is_ascii_control())
}

/// A request said who it forwards for, and no proxy is trusted: either Tremplin runs behind a
/// proxy nobody named in `TREMPLIN_TRUSTED_PROXIES` (then every visitor shares the proxy's
/// address: one rate-limit bucket, one room-socket cap), or clients send the header
/// themselves. Counted on `/metrics`, and said loudly once per process.
fn untrusted_forwarding() {
    static WARNED: std::sync::Once = std::sync::Once::new();
    metrics::counter!("untrusted_forwarded_for_total").increment(1);
    WARNED.call_once(|| {
        tracing::warn!(
            "requests carry X-Forwarded-For but TREMPLIN_TRUSTED_PROXIES is empty: behind a \
             reverse proxy, every visitor shares its address (one rate-limit bucket, one \
             room-socket cap). Name the proxy's address in TREMPLIN_TRUSTED_PROXIES."
        );
    });
}

/// The nonce of one response's Content-Security-Policy: the page's own inline scripts (Leptos's
/// hydration and streaming scripts, which read it from the context) carry it, and an injected
/// script cannot know it.
#[derive(Clone, Debug)]
pub struct CspNonce(pub std::sync::Arc<str>);

impl CspNonce {
    /// 128 random bits, in hex (CSP takes base64 characters, of which hex digits are some).
    fn new() -> Self {
        use std::fmt::Write;
        let bytes: [u8; 16] = rand::random();
        let mut hex = String::with_capacity(32);
        for b in bytes {
            let _ = write!(hex, "{b:02x}");
        }
        Self(hex.into())
    }
}

/// The Content-Security-Policy of every response but its nonce, built from the configuration:
/// which other origins the pages may talk to, post forms to, and show images from.
#[derive(Clone, Debug)]
pub struct Csp {
    connect: String,
    form_action: String,
}

impl Csp {
    pub fn new(config: &Config) -> Self {
        let mut connect = vec!["'self'".to_owned()];
        // The room's WebSocket: `'self'` covers it in current browsers, older ones need the
        // scheme named.
        if let Some(host) = config.base_url.split_once("://").map(|(_, h)| h) {
            let ws = if config.secure_cookies() { "wss" } else { "ws" };
            connect.push(format!("{ws}://{host}"));
        }
        // WHIP/WHEP offers go to an external media server when there is one.
        if let crate::config::Media::External(external) = &config.media {
            connect.extend(origin(&external.base));
        }
        // cargo-leptos's live reload, in development only.
        if std::env::var_os("LEPTOS_WATCH").is_some() {
            connect.push("ws:".to_owned());
        }
        let mut form_action = vec!["'self'".to_owned()];
        form_action.extend(origin(&config.base_url));
        // A top-up posted without JavaScript is redirected to Stripe's checkout, and browsers
        // hold the redirect of a form post to `form-action` too.
        if let crate::config::Payments::Stripe(_) = config.payments {
            form_action.push("https://checkout.stripe.com".to_owned());
        }
        Self {
            connect: connect.join(" "),
            form_action: form_action.join(" "),
        }
    }

    /// The header for a response whose inline scripts and styles carry `nonce`.
    pub fn header(&self, nonce: &CspNonce) -> String {
        let nonce = &nonce.0;
        format!(
            "default-src 'self'; \
             script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self' 'nonce-{nonce}'; \
             img-src 'self' data: blob:; \
             media-src 'self' blob:; \
             connect-src {connect}; \
             object-src 'none'; \
             base-uri 'self'; \
             form-action {form_action}; \
             frame-ancestors 'none'",
            connect = self.connect,
            form_action = self.form_action,
        )
    }
}

/// `scheme://host[:port]` of `url`, if it has one.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
}

/// Gives each request a fresh [`CspNonce`] (as an extension, for the page to render) and its
/// response the Content-Security-Policy with that nonce, unless the handler set its own.
pub async fn content_security_policy(
    State(csp): State<std::sync::Arc<Csp>>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = CspNonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    // For the page validator, which leaves the nonce out of what it hashes.
    response.extensions_mut().insert(nonce.clone());
    if let Ok(value) = header::HeaderValue::from_str(&csp.header(&nonce)) {
        response
            .headers_mut()
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(value);
    }
    response
}

/// The security headers every response carries, whatever produced it: the nonce-less ones.
/// HSTS only on an https:// address (on http:// it would be ignored, or pin a development
/// host to https).
pub fn fixed_headers(config: &Config) -> Vec<(header::HeaderName, header::HeaderValue)> {
    use header::HeaderValue as V;
    let mut headers = vec![
        // Reset tokens live in the path (/reset/:token): no other site sees our URLs.
        (header::REFERRER_POLICY, V::from_static("same-origin")),
        (header::X_CONTENT_TYPE_OPTIONS, V::from_static("nosniff")),
        // CSP's frame-ancestors for browsers that predate it: one-click money pages are
        // never framed.
        (header::X_FRAME_OPTIONS, V::from_static("DENY")),
        (
            header::HeaderName::from_static("permissions-policy"),
            V::from_static(PERMISSIONS_POLICY),
        ),
    ];
    if config.secure_cookies() {
        headers.push((
            header::STRICT_TRANSPORT_SECURITY,
            V::from_static("max-age=31536000"),
        ));
    }
    headers
}

/// Camera and microphone for this origin's own pages (the studio and the fan's backstage use
/// them; the app navigates between pages without loading a new document, so the document a
/// visitor first opened decides), nothing else a page could ask for.
pub const PERMISSIONS_POLICY: &str = "camera=(self), microphone=(self), display-capture=(), \
     geolocation=(), payment=(), usb=(), serial=(), hid=(), bluetooth=(), midi=(), \
     accelerometer=(), gyroscope=(), magnetometer=(), browsing-topics=()";

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Config {
        Config::from_lookup(|k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        })
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_policy_names_the_nonce_and_no_inline_script() {
        let csp = Csp::new(&config(&[("TREMPLIN_BASE_URL", "http://127.0.0.1:3000")]));
        let nonce = CspNonce::new();
        let policy = csp.header(&nonce);
        let script = policy
            .split("; ")
            .find(|d| d.starts_with("script-src"))
            .unwrap_or_default();
        assert!(script.contains(&format!("'nonce-{}'", nonce.0)), "{policy}");
        assert!(script.contains("'wasm-unsafe-eval'"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(
            policy.contains("connect-src 'self' ws://127.0.0.1:3000"),
            "{policy}"
        );
        assert_ne!(CspNonce::new().0, nonce.0, "a fresh nonce each time");
        assert_eq!(nonce.0.len(), 32);
    }

    #[test]
    fn hsts_only_on_an_https_address() {
        let hsts = |c: &Config| {
            fixed_headers(c)
                .iter()
                .any(|(name, _)| name == header::STRICT_TRANSPORT_SECURITY)
        };
        assert!(!hsts(&config(&[])));
        assert!(hsts(&config(&[
            ("TREMPLIN_BASE_URL", "https://tremplin.example"),
            ("TREMPLIN_METRICS_TOKEN", "a metrics token for tests"),
            ("TREMPLIN_ALLOW_TEST_MODE", "1"),
        ])));
    }

    #[test]
    fn other_origins_come_from_the_configuration() {
        let csp = Csp::new(&config(&[
            ("TREMPLIN_BASE_URL", "https://tremplin.example"),
            ("TREMPLIN_METRICS_TOKEN", "a metrics token for tests"),
            ("TREMPLIN_MEDIA", "external"),
            ("TREMPLIN_MEDIA_URL", "https://media.example:8889/live/"),
            ("TREMPLIN_PAYMENTS", "stripe"),
            ("TREMPLIN_STRIPE_SECRET_KEY", "sk_live_secret"),
            ("TREMPLIN_STRIPE_WEBHOOK_SECRET", "whsec_secret"),
        ]));
        let policy = csp.header(&CspNonce::new());
        assert!(
            policy
                .contains("connect-src 'self' wss://tremplin.example https://media.example:8889;"),
            "{policy}"
        );
        assert!(
            policy.contains(
                "form-action 'self' https://tremplin.example https://checkout.stripe.com;"
            ),
            "{policy}"
        );
    }
}
