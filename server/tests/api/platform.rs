//! Cross-cutting behaviour: CSRF, health, metrics, request ids, languages, demo data.

use crate::common::spawn_app;
use app::error::{AppError, Problem};
use reqwest::StatusCode;

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = spawn_app().await;
    let client = app.client();
    let form = [
        ("email", "x@example.test"),
        ("password", "whatever whatever"),
    ];
    let evil_origin = client
        .post(app.url("/api/login"))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(evil_origin.status(), StatusCode::FORBIDDEN);
    let cross_site = client
        .post(app.url("/api/login"))
        .header("sec-fetch-site", "cross-site")
        .header("origin", app.url(""))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    let upload = client
        .post(app.url("/api/avatar"))
        .header("sec-fetch-site", "same-site")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(
        upload.status(),
        StatusCode::FORBIDDEN,
        "a sibling subdomain is another site too"
    );

    let same_origin = client
        .post(app.url("/api/me"))
        .header("sec-fetch-site", "same-origin")
        .header("origin", app.url("").trim_end_matches('/'))
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), StatusCode::OK);
    let reads = client
        .get(app.url("/"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(
        reads.status(),
        StatusCode::OK,
        "links from other sites still open pages"
    );
}

#[tokio::test]
async fn health_metrics_and_request_ids() {
    let app = spawn_app().await;
    let client = app.client();
    let health = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let id = health.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 36, "a UUID request id: {id}");
    let kept = client
        .get(app.url("/healthz"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers()["x-request-id"], "abc-123");

    // The background jobs report too, from their first run just after start-up.
    let sealer = "background_job_rows_total{job=\"seal the journal\"}";
    let mut metrics = String::new();
    for _ in 0..50 {
        metrics = app.page(&client, "/metrics").await;
        if metrics.contains(sealer) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(metrics.contains("http_requests_total"), "{metrics}");
    assert!(metrics.contains("route=\"/healthz\""), "{metrics}");
    assert!(metrics.contains(sealer), "{metrics}");
}

/// The nonce a response's Content-Security-Policy names for scripts, checking the policy
/// allows no inline script by any other means.
fn script_nonce(response: &reqwest::Response) -> String {
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    for directive in [
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "'wasm-unsafe-eval'",
    ] {
        assert!(policy.contains(directive), "{directive}: {policy}");
    }
    let script = policy
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src "))
        .unwrap();
    let nonce = script
        .split_whitespace()
        .find_map(|s| s.strip_prefix("'nonce-"))
        .unwrap()
        .trim_end_matches('\'')
        .to_owned();
    assert!(nonce.len() >= 22, "{nonce}");
    nonce
}

/// Every `<script>` and `<style>` element in `html` carries `nonce`: none would run otherwise.
/// An empty `<script></script>` is exempt: leptos_i18n renders one as a hydration placeholder,
/// and browsers never run (nor check) an empty inline script.
fn assert_all_inline_code_carries(html: &str, nonce: &str) {
    let tagged = format!("nonce=\"{nonce}\"");
    for tag in ["<script", "<style"] {
        for (at, _) in html.match_indices(tag) {
            if html[at..].starts_with("<script></script>") {
                continue;
            }
            let end = html[at..].find('>').unwrap() + at;
            assert!(
                html[at..end].contains(&tagged),
                "{} without the nonce {nonce}",
                &html[at..=end]
            );
        }
    }
}

#[tokio::test]
async fn pages_carry_a_fresh_script_nonce_and_the_security_headers() {
    let app = spawn_app().await;
    let client = app.client();
    let mut nonces = Vec::new();
    // A page streamed in order (its resources arrive in scripts of their own), an async one
    // and the home page.
    app.sign_up(&client, "creator", "csp_host").await;
    for path in ["/", "/live", "/@csp_host", "/login"] {
        let response = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let headers = response.headers().clone();
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "same-origin");
        let permissions = headers["permissions-policy"].to_str().unwrap();
        assert!(permissions.contains("camera=(self)"), "{permissions}");
        assert!(permissions.contains("geolocation=()"), "{permissions}");
        assert!(
            !headers.contains_key("strict-transport-security"),
            "no HSTS on http://"
        );
        let nonce = script_nonce(&response);
        let html = response.text().await.unwrap();
        assert!(html.contains("<script"), "{path}: the hydration script");
        assert_all_inline_code_carries(&html, &nonce);
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 4, "a nonce per response");

    // The test processor's checkout page: its inline style carries the nonce too.
    let url: String = app.call_ok(&client, "top_up", &[("amount", "20")]).await;
    let response = client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let nonce = script_nonce(&response);
    let html = response.text().await.unwrap();
    assert!(html.contains("<style"), "{html}");
    assert_all_inline_code_carries(&html, &nonce);

    // Refusals carry the fixed headers too.
    let refused = client
        .post(app.url("/api/logout"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(refused.headers()["x-frame-options"], "DENY");
}

#[tokio::test]
async fn forwarded_requests_without_a_trusted_proxy_are_counted() {
    // Behind a proxy nobody named, every visitor would share one address: the operator sees it.
    let app = spawn_app().await;
    let client = app.client();
    let forwarded = client
        .get(app.url("/healthz"))
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_eq!(forwarded.status(), StatusCode::OK);
    let metrics = app.page(&client, "/metrics").await;
    assert!(
        metrics.contains("untrusted_forwarded_for_total"),
        "{metrics}"
    );
}

#[tokio::test]
async fn metrics_are_for_the_scraper_only() {
    let token = "scrape-me-please-0123456789";
    let app = crate::common::spawn_app_with(&[
        ("TREMPLIN_METRICS_TOKEN", token),
        ("TREMPLIN_TRUSTED_PROXIES", "127.0.0.1"),
    ])
    .await;
    let get = |auth: Option<String>| {
        let mut request = app.client().get(app.url("/metrics"));
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(get(None).await, StatusCode::FORBIDDEN);
    assert_eq!(
        get(Some("Bearer wrong".into())).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(get(Some(format!("Bearer {token}"))).await, StatusCode::OK);

    // Without a token, a visitor coming through the proxy is not local.
    let app = crate::common::spawn_app_with(&[("TREMPLIN_TRUSTED_PROXIES", "127.0.0.1")]).await;
    let through_proxy = app
        .client()
        .get(app.url("/metrics"))
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_eq!(through_proxy.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn language_follows_accept_language_then_the_chosen_cookie() {
    let app = spawn_app().await;
    let client = app.client();
    let french = client
        .get(app.url("/login"))
        .header("accept-language", "fr-FR,fr;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(french.contains("lang=\"fr\""));
    assert!(french.contains("Se connecter"));

    let switch = client
        .get(app.url("/lang/en?next=/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(switch.status(), StatusCode::SEE_OTHER);
    assert_eq!(switch.headers()["location"], "/login");
    let english = client
        .get(app.url("/login"))
        .header("accept-language", "fr-FR,fr;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        english.contains("lang=\"en\""),
        "the cookie wins over the header"
    );
    assert!(english.contains("Log in"));

    for next in [
        "//evil.example",
        "/%09/evil.example",
        "/%5C/evil.example",
        "https://evil.example",
    ] {
        let response = client
            .get(app.url(&format!("/lang/fr?next={next}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["location"], "/", "next={next}");
    }
    let unknown = client.get(app.url("/lang/xx")).send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn demo_data_loads_once_and_shows_small_creators_first_page() {
    let app = spawn_app().await;
    let db = app::ssr::Db::connect(&app.database_url).await.unwrap();
    let state = app.state(&db);
    server::demo::load(&state, 50).await.unwrap();
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users")
            .fetch_one(&db.pool)
            .await
            .unwrap()
    };
    let first = count().await;
    assert!(first >= 10);
    let transfers = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM ledger_transfers")
            .fetch_one(&db.pool)
            .await
            .unwrap()
    };
    let moved = transfers().await;
    assert!(moved > 10, "demo fans top up and spend");
    server::demo::load(&state, 50).await.unwrap();
    assert_eq!(count().await, first, "loading twice changes nothing");
    assert_eq!(transfers().await, moved, "nor pays twice");
    let report = app::ledger::store::verify(&db).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    // The demo operator has Camille's payout request on the desk.
    let ops = app.client();
    let email = server::demo::email("tremplin_ops");
    let _: serde_json::Value = app
        .call_ok(
            &ops,
            "login",
            &[("email", &email), ("password", server::demo::PASSWORD)],
        )
        .await;
    let desk: Vec<app::earnings::types::PayoutForOperator> =
        app.call_ok(&ops, "operator_payouts", &[]).await;
    assert_eq!(desk.len(), 1);
    assert_eq!(desk[0].handle, "camille_cuisine");

    // Deals in every state, and a brand dashboard with months of history.
    let states: Vec<String> = sqlx::query_scalar("SELECT DISTINCT state FROM deals")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        states.len(),
        app::deals::types::DealState::ALL.len(),
        "{states:?}"
    );
    let brand = app.client();
    let email = server::demo::email("velocita");
    let _: serde_json::Value = app
        .call_ok(
            &brand,
            "login",
            &[("email", &email), ("password", server::demo::PASSWORD)],
        )
        .await;
    let board: app::deals::types::Dashboard = app.call_ok(&brand, "deal_dashboard", &[]).await;
    let months_paid = board.monthly.iter().filter(|m| m.amount.minor > 0).count();
    assert!(months_paid >= 3, "{:?}", board.monthly);
    assert!(board.in_escrow.minor > 0 && !board.creators.is_empty());
    assert!(board.campaigns.iter().any(|c| !c.applicants.is_empty()));

    let featured: Vec<app::accounts::types::CreatorCard> = app
        .call_ok(&app.client(), "featured", &[("count", "8")])
        .await;
    assert_eq!(featured.len(), 8);
    assert!(
        featured.iter().filter(|c| c.rising).count() >= 3,
        "rising creators are featured"
    );
    assert!(featured.iter().any(|c| c.audience >= 100_000));

    // Shops with products, and orders in every state.
    let states: Vec<String> = sqlx::query_scalar("SELECT DISTINCT state FROM orders")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        states.len(),
        app::orders::types::OrderState::ALL.len(),
        "{states:?}"
    );
    let shop: app::storefront::types::Shop = app
        .call_ok(&app.client(), "shop", &[("handle", "julien_velo")])
        .await;
    assert!(shop.items.len() >= 4 && shop.items.iter().all(|i| i.image.is_some()));
    let released: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE commission_released = 1")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert!(released >= 1, "an old sale's commission was released");
}

#[tokio::test]
async fn forms_posted_without_javascript_come_back_with_their_errors() {
    let app = spawn_app().await;
    let browser = app.client();
    let post = |endpoint: &str, referer: &str, form: &[(&str, &str)]| {
        browser
            .post(app.url(&format!("/api/{endpoint}")))
            .header("accept", "text/html")
            .header("referer", app.url(referer))
            .form(form)
            .send()
    };
    let back = |response: reqwest::Response| {
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        response.headers()["location"].to_str().unwrap().to_owned()
    };
    let html_page = |path: &'static str| {
        browser
            .get(app.url(path))
            .header("accept", "text/html")
            .send()
    };

    let location = back(
        post(
            "signup",
            "/signup?role=creator",
            &[
                ("role", "creator"),
                ("email", "not-an-email"),
                ("display_name", "Noa"),
                ("handle", "noa_typed"),
                ("password", "a long enough passphrase"),
            ],
        )
        .await
        .unwrap(),
    );
    assert_eq!(
        location, "/signup?role=creator",
        "nothing typed travels in the URL"
    );
    let page = html_page("/signup?role=creator")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"value="noa_typed""#),
        "what was typed is back"
    );
    assert!(page.contains("This does not look like an email address."));
    assert!(
        !page.contains("a long enough passphrase"),
        "passwords never come back"
    );
    let again = html_page("/signup?role=creator")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !again.contains("noa_typed") && !again.contains("This does not look like"),
        "the flash shows once"
    );

    // Another page opened first takes the flash without showing it.
    back(
        post(
            "signup",
            "/signup",
            &[("email", "x"), ("handle", "lost_flash")],
        )
        .await
        .unwrap(),
    );
    let elsewhere = html_page("/login").await.unwrap().text().await.unwrap();
    assert!(!elsewhere.contains("lost_flash"));
    let later = html_page("/signup").await.unwrap().text().await.unwrap();
    assert!(!later.contains("lost_flash"));

    // A refusal with its own status (429) still comes back to the form, never to another host.
    let wrong = [
        ("email", "nobody@example.test"),
        ("password", "whatever123"),
    ];
    for _ in 0..5 {
        post("login", "/login", &wrong).await.unwrap();
    }
    assert_eq!(
        back(post("login", "/login", &wrong).await.unwrap()),
        "/login"
    );
    let page = html_page("/login").await.unwrap().text().await.unwrap();
    assert!(
        page.contains("Too many attempts."),
        "the error banner shows"
    );
    assert!(page.contains(r#"value="nobody@example.test""#));
    for referer in ["//evil.example/login", "/\\evil.example/login"] {
        let response = browser
            .post(app.url("/api/login"))
            .header("accept", "text/html")
            .header("referer", referer)
            .form(&wrong)
            .send()
            .await
            .unwrap();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        assert!(
            !location.starts_with("//") && !location.starts_with("/\\"),
            "{location:?}"
        );
    }
}

#[tokio::test]
async fn a_link_never_fills_in_a_form_or_the_error_banner() {
    let app = spawn_app().await;
    let error = serde_json::to_string(&AppError::invalid("email", Problem::EmailTaken)).unwrap();
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("v.email", "planted@evil.example")
        .append_pair("v.message", "</textarea><img src=x onerror=alert(1)>")
        .append_pair("form", "/api/login")
        .append_pair("form_error", &error)
        .finish();
    let page = app.page(&app.client(), &format!("/login?{query}")).await;
    assert!(
        !page.contains("planted@evil.example"),
        "a link filled a field"
    );
    assert!(
        !page.contains("An account already uses this email"),
        "a link put words in the error banner"
    );
    // Leptos's own way back for a form's error, `__path` and `__err`, is taken out of any link.
    let leptos_error = app
        .client()
        .get(app.url("/login?next=%2Fwallet&__path=%2Fapi%2Flogin&__err=eyJJbnRlcm5hbCI6e319"))
        .send()
        .await
        .unwrap();
    assert_eq!(leptos_error.status(), StatusCode::SEE_OTHER);
    assert_eq!(leptos_error.headers()["location"], "/login?next=%2Fwallet");
    for hostile in ["//evil.example/phish?__err=x", "/\\evil.example?__path=x"] {
        let answer = app.client().get(app.url(hostile)).send().await.unwrap();
        assert_eq!(answer.headers()["location"], "/", "{hostile}");
    }
}

#[tokio::test]
async fn the_footer_shows_the_operators_notice_and_contact_only_when_configured() {
    let plain = spawn_app().await;
    let page = plain.page(&plain.client(), "/").await;
    assert!(!page.contains("data-testid=\"operator\""), "{page}");

    let app = crate::common::spawn_app_with(&[
        (
            "TREMPLIN_LEGAL_NOTICE_URL",
            "https://example.org/legal?a=1&b=2",
        ),
        ("TREMPLIN_CONTACT_EMAIL", "hello@example.org"),
    ])
    .await;
    for path in ["/", "/creators", "/nowhere"] {
        let response = app.client().get(app.url(path)).send().await.unwrap();
        let page = response.text().await.unwrap();
        assert!(
            page.contains("href=\"https://example.org/legal?a=1&amp;b=2\""),
            "{path}: {page}"
        );
        assert!(page.contains(">Legal notice<"), "{path}");
        assert!(page.contains("href=\"mailto:hello@example.org\""), "{path}");
    }
}
