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
            .with_name("tremplin_session")
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
