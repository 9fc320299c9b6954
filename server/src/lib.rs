//! The axum host: assembles state and router. `main.rs` only parses the command line; tests
//! build the same router through `start`.

pub mod caching;
pub mod config;
pub mod demo;
pub mod forms;
pub mod load;
pub mod mail;
pub mod media;
mod page_cache;
pub mod payments;
pub mod security;
pub mod telemetry;
pub mod workers;

use std::net::SocketAddr;
use std::sync::Arc;

use app::ledger::group::GroupCommit;
use app::live::video::EMBEDDED_BASE;
use app::ssr::{AppState, Db, Mailer, PaymentProvider, Storage};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::ObjectStore;

use crate::config::{Config, Payments};

/// The app's routes, generated once per process. Generating them renders the app with a
/// process-wide flag set that parks any resource first polled meanwhile, forever
/// (leptos-rs/leptos#4773): a router built while another serves pages, as tests do, would
/// stall some of those pages.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// Connects to the database and migrates it.
pub async fn open_db(config: &Config) -> anyhow::Result<Db> {
    if let Some(path) = config.database_url.strip_prefix("sqlite://") {
        if let Some(parent) = std::path::Path::new(path.split('?').next().unwrap_or(path)).parent()
        {
            std::fs::create_dir_all(parent)?;
        }
    }
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    Ok(db)
}

/// Builds the application state from the configuration.
pub async fn state(config: &Config) -> anyhow::Result<AppState> {
    // Installed before anything starts (the media server reports it is up) so nothing is lost.
    telemetry::metrics_handle();
    let db = open_db(config).await?;
    // Demo accounts share one published password, an operator among them.
    if config.demo_data_allowed().is_err() && demo::present(&db).await? {
        anyhow::bail!(
            "the database holds the demo data, whose accounts share a published password: \
             refused on an https:// address unless TREMPLIN_ALLOW_TEST_MODE=1"
        );
    }
    let mailer: Arc<dyn Mailer> = match &config.smtp_url {
        Some(url) => Arc::new(
            mail::Smtp::new(url, &config.mail_from)
                .map_err(|e| anyhow::anyhow!("TREMPLIN_SMTP_URL / TREMPLIN_MAIL_FROM: {e}"))?,
        ),
        None => {
            // Links in logs would let whoever reads them take over accounts: only on a
            // development address.
            let log_links = !config.secure_cookies();
            if !log_links {
                tracing::warn!("TREMPLIN_SMTP_URL is unset: mail is written to the outbox only");
            }
            Arc::new(mail::Outbox::new(config.data_dir.join("outbox"), log_links))
        }
    };
    let store: Arc<dyn ObjectStore> = match &config.s3 {
        Some(s3) => {
            let mut builder = AmazonS3Builder::from_env()
                .with_bucket_name(&s3.bucket)
                .with_region(&s3.region);
            if let Some((key_id, secret)) = &s3.credentials {
                builder = builder
                    .with_access_key_id(key_id)
                    .with_secret_access_key(secret);
            }
            if let Some(endpoint) = &s3.endpoint {
                builder = builder
                    .with_endpoint(endpoint)
                    .with_allow_http(endpoint.starts_with("http://"))
                    .with_virtual_hosted_style_request(false);
            }
            Arc::new(builder.build()?)
        }
        None => {
            let media_dir = config.data_dir.join("media");
            std::fs::create_dir_all(&media_dir)?;
            Arc::new(LocalFileSystem::new_with_prefix(&media_dir)?)
        }
    };
    let payments: Arc<dyn PaymentProvider> = match &config.payments {
        Payments::Test => test_processor(config, &db)?,
        Payments::Stripe(stripe) => Arc::new(payments::stripe::StripeProvider::new(stripe)?),
    };
    Ok(AppState {
        ledger: GroupCommit::start(db.clone()),
        room: app::live::room::hub::Hub::start(
            &db,
            &config.database_url,
            config.room_sockets_per_address,
        ),
        media: media::start(&config.media)?,
        db,
        mailer,
        payments,
        storage: Storage::new(store),
        base_url: config.base_url.clone(),
        payout_minimum: config.payout_minimum,
        passwords: app::accounts::password::Hasher::new(config.password_cost),
        clock: app::ssr::Clock::default(),
        deal_review_secs: config.deal_review_hours * 3600,
        checkout_hold_secs: config.checkout_minutes * 60,
        return_window_secs: config.return_days * 24 * 3600,
        signups_per_ip: app::accounts::rules::RateLimit {
            limit: config.signups_per_hour,
            ..app::accounts::rules::SIGNUPS_PER_IP
        },
        limiter: Default::default(),
        operator: config.operator.clone(),
    })
}

/// The built-in test-mode processor (`TREMPLIN_PAYMENTS=test`). It keeps its state in the
/// database, so the instance serving its pages and the one in `AppState` are interchangeable.
fn test_processor(
    config: &Config,
    db: &Db,
) -> anyhow::Result<Arc<payments::test_mode::TestProcessor>> {
    use sha2::{Digest, Sha256};
    let secret = match &config.webhook_secret {
        Some(secret) => secret.as_bytes().to_vec(),
        // Every instance shares the session key, so they agree on this one too.
        None => Sha256::new()
            .chain_update(security::session_key(config)?.master())
            .chain_update(b"payments webhook")
            .finalize()
            .to_vec(),
    };
    Ok(payments::test_mode::TestProcessor::new(
        db.clone(),
        config.base_url.clone(),
        secret,
        config.test_processor_fee,
    ))
}

#[derive(Clone, axum::extract::FromRef)]
struct ServerState {
    app: AppState,
    leptos_options: LeptosOptions,
}

/// The whole HTTP application.
pub async fn router(config: &Config, state: AppState) -> anyhow::Result<Router> {
    let leptos_options = LeptosOptions::builder()
        .output_name("tremplin")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .hash_files(hashed_build())
        .build();
    if !leptos_options.hash_files && !config.site_root.join("pkg/tremplin.js").exists() {
        tracing::error!(
            "{}/pkg has no tremplin.js: a build with hashed names needs the hash.txt that \
             cargo-leptos wrote beside the binary, or pages will link files that do not exist",
            config.site_root.display()
        );
    }
    // Installed before the first request (again: a state may be built by hand in tests).
    telemetry::metrics_handle();
    let sessions = security::Sessions::connect(&config.database_url).await?;
    sessions.spawn_cleanup();
    workers::spawn_all(&state);
    let session_layer = sessions.layer(config, security::session_key(config)?);

    let server_state = ServerState {
        app: state.clone(),
        leptos_options: leptos_options.clone(),
    };
    let routes = route_list();
    let context_state = state.clone();
    let provide = move || {
        provide_context(context_state.clone());
        // The nonce this response's Content-Security-Policy names, in place of the one
        // leptos_axum made up: the hydration and streaming scripts read it from here.
        let nonce = use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<security::CspNonce>().cloned());
        if let Some(nonce) = nonce {
            provide_context(leptos::nonce::Nonce::from_value(nonce.0));
        }
    };
    let shell_options = leptos_options.clone();

    let mut router = Router::<ServerState>::new()
        .route("/healthz", get(healthz))
        .route(
            "/metrics",
            get(telemetry::metrics_endpoint).with_state(config.metrics_token.clone()),
        )
        .route("/media/{*key}", get(media))
        .route("/lang/{locale}", get(set_language))
        .route(
            "/webhooks/payments",
            post(payments::webhook)
                .layer(DefaultBodyLimit::max(payments::WEBHOOK_BODY_LIMIT))
                .layer(axum::middleware::map_response(caching::uncompressed)),
        );
    if config.test_clock {
        tracing::warn!("TREMPLIN_TEST_CLOCK=1: anyone can move the workers' clock ahead");
        router = router.route("/test/clock", post(workers::advance_clock));
    }
    // The test processor's checkout pages exist only while it takes the payments.
    if let Payments::Test = config.payments {
        let processor = test_processor(config, &state.db)?;
        // Webhooks an instance recorded but could not deliver (it crashed, the endpoint was
        // down) go out from whichever instance runs next.
        processor.spawn_redelivery();
        router = router.merge(processor.routes());
    }
    if let Some(sfu) = state.media.as_any().downcast_ref::<media::Embedded>() {
        let media = media::http::MediaState {
            app: state.clone(),
            sfu: sfu.clone(),
            per_ip: app::accounts::rules::RateLimit {
                limit: config.media_sessions_per_minute,
                window_secs: 60,
            },
        };
        let limit = DefaultBodyLimit::max(media::http::BODY_LIMIT);
        router = router
            .route(
                &format!("{EMBEDDED_BASE}/{{event}}/{{seat}}/whip"),
                post(media::http::whip)
                    .with_state(media.clone())
                    .layer(limit),
            )
            .route(
                &format!("{EMBEDDED_BASE}/{{event}}/{{seat}}/whep"),
                post(media::http::whep)
                    .with_state(media.clone())
                    .layer(limit),
            )
            .route(
                &format!("{EMBEDDED_BASE}/{}/{{id}}", media::http::SESSIONS),
                axum::routing::delete(media::http::end).with_state(media),
            );
    }
    if let config::Media::External(_) = config.media {
        router = router.route(
            "/stream/auth",
            post(media::external::auth).with_state(state.clone()),
        );
    }
    let router = router
        .route(
            app::accounts::AVATAR_PATH,
            post(app::accounts::avatar::upload)
                .layer(DefaultBodyLimit::max(app::accounts::avatar::BODY_LIMIT)),
        )
        .route(
            app::deals::files::UPLOAD_ROUTE,
            post(app::deals::files::upload)
                .layer(DefaultBodyLimit::max(app::deals::files::BODY_LIMIT)),
        )
        .route(
            app::deals::files::DOWNLOAD_ROUTE,
            get(app::deals::files::download),
        )
        .route(
            app::storefront::images::ROUTE,
            post(app::storefront::images::upload)
                .layer(DefaultBodyLimit::max(app::storefront::images::BODY_LIMIT)),
        )
        .route(
            app::live::cover::ROUTE,
            post(app::live::cover::upload)
                .layer(DefaultBodyLimit::max(app::live::cover::BODY_LIMIT)),
        )
        .route(
            app::storefront::links::ROUTE,
            get(app::storefront::links::follow),
        )
        .route(app::orders::CSV_PATH, get(app::orders::reports::csv))
        .route(
            app::live::room::socket::ROUTE,
            get(app::live::room::socket::upgrade)
                .layer(axum::middleware::map_response(caching::uncompressed)),
        )
        .leptos_routes_with_context(&server_state, routes, provide.clone(), move || {
            app::shell(shell_options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            ServerState,
            _,
        >(provide, app::shell))
        .with_state(server_state)
        // Inside the page cache, so a cached page keeps the policy naming the nonce its HTML
        // carries.
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(security::Csp::new(config)),
            security::content_security_policy,
        ))
        // Outside the policy, whose nonce it leaves out of a page's ETag.
        .layer(axum::middleware::from_fn(caching::cache_control))
        .layer(axum::middleware::from_fn(error_status))
        .layer(axum::middleware::from_fn_with_state(
            app::ssr::limiter::Limiter::default(),
            forms::keep_errors,
        ))
        .layer(axum::middleware::from_fn(forms::refuse_nul))
        .layer(axum::middleware::from_fn_with_state(
            config.base_url.clone(),
            security::csrf,
        ))
        .layer(session_layer)
        // Outside the sessions: a cached page costs no session lookup.
        .layer(axum::middleware::from_fn_with_state(
            page_cache::PageCache::default(),
            page_cache::serve,
        ))
        .layer(axum::middleware::from_fn_with_state(
            security::TrustedProxies(config.trusted_proxies.clone().into()),
            security::client_ip,
        ))
        .layer(axum::middleware::from_fn(telemetry::record_metrics))
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        // Around everything that reads a body whole (the page cache, the validators), so
        // they see it as written.
        .layer(caching::compression());
    // Outermost: every answer carries them, a refusal or a panic's 500 too.
    let router =
        security::fixed_headers(config)
            .into_iter()
            .fold(router, |router, (name, value)| {
                router.layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
                    name, value,
                ))
            });
    Ok(telemetry::with_request_ids(router))
}

/// Whether the build's files carry content hashes in their names: cargo-leptos then writes
/// their names to `hash.txt` beside the binary, where Leptos reads them. A binary without it
/// (the tests') links the plain names.
fn hashed_build() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join("hash.txt")))
        .is_some_and(|file| file.exists())
}

/// Server functions answer every error with 500; this gives each `AppError` its own status
/// (422 for a field error, 401, 404...), so clients, logs and metrics can tell them apart.
async fn error_status(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status = error.status();
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

async fn healthz(State(state): State<AppState>) -> Response {
    match sqlx::query("SELECT 1").execute(&state.db.pool).await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!("health check failed: {e}");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Serves the copies of uploaded pictures. Keys are random and never reused, so caches may
/// keep them forever, and the key is the validator. Private files and the pictures' originals
/// are not found here, whatever their key.
async fn media(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    // Stored keys are `folder/hex.extension.wWIDTH.webp`: anything else was never stored, and
    // could not be quoted into the ETag.
    let plain = key.len() <= 200
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b));
    if !plain || !app::ssr::storage::is_public(&key) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let etag = format!("\"{key}\"");
    let cache = [
        (
            header::CACHE_CONTROL,
            "public, max-age=31536000, immutable".to_owned(),
        ),
        (header::ETAG, etag.clone()),
    ];
    let known = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    if known && state.storage.exists(&key).await.unwrap_or(false) {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    match state.storage.get(&key).await {
        Ok(Some(file)) => (
            cache,
            [
                (header::CONTENT_TYPE, file.content_type),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            file.bytes,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(key, "reading media failed: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(serde::Deserialize)]
struct Next {
    next: Option<String>,
}

/// Stores the chosen language in the cookie leptos_i18n reads, then goes back to the page.
/// A plain link, so switching works without JavaScript.
async fn set_language(Path(locale): Path<String>, Query(query): Query<Next>) -> Response {
    let Ok(locale) = locale.parse::<app::i18n::Locale>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // Only local paths: an open redirect would let other sites borrow our domain.
    let next = query
        .next
        .filter(|n| security::is_local_path(n))
        .unwrap_or_else(|| "/".to_owned());
    (
        [(
            header::SET_COOKIE,
            format!("{LANGUAGE_COOKIE}={locale}; Path=/; Max-Age=31536000; SameSite=Lax"),
        )],
        Redirect::to(&next),
    )
        .into_response()
}

/// The cookie where leptos_i18n keeps the language a visitor chose.
pub const LANGUAGE_COOKIE: &str = "i18n_pref_locale";

/// Binds `config.listen` and serves until the process stops. Returns the bound address
/// through `on_bound` first (port 0 picks a free one, as tests do).
pub async fn serve(
    config: &Config,
    state: AppState,
    on_bound: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    use axum::serve::ListenerExt;

    let router = router(config, state).await?;
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    on_bound(listener.local_addr()?);
    // Without TCP_NODELAY keep-alive clients wait on delayed ACKs (measured: 6x slower).
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!("could not set TCP_NODELAY: {e}");
        }
    });
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
