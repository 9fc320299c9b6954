//! Sign-up, login, logout, sessions, rate limits and password changes, through HTTP.

use crate::common::spawn_app;
use app::accounts::types::Role;
use app::error::{AppError, Problem};
use reqwest::StatusCode;

#[tokio::test]
async fn sign_up_logs_the_new_person_in() {
    let app = spawn_app().await;
    let client = app.client();
    assert_eq!(app.me(&client).await, None);
    app.sign_up(&client, "creator", "alice").await;
    let me = app.me(&client).await.expect("logged in after sign-up");
    assert_eq!(me.handle, "alice");
    assert_eq!(me.role, Role::Creator);
    assert_eq!(me.email, "alice@example.test");
}

#[tokio::test]
async fn sign_up_answers_field_errors() {
    let app = spawn_app().await;
    let client = app.client();
    app.sign_up(&client, "creator", "alice").await;
    let other = app.client();
    let form = |email: &'static str, handle: &'static str, password: &'static str| {
        vec![
            ("role", "fan"),
            ("email", email),
            ("display_name", "Bob"),
            ("handle", handle),
            ("password", password),
        ]
    };
    let cases = [
        (
            form("ALICE@example.test", "bob", "a long enough passphrase"),
            "email",
            Problem::EmailTaken,
        ),
        (
            form("bob@example.test", "Alice", "a long enough passphrase"),
            "handle",
            Problem::HandleTaken,
        ),
        (
            form("bob@example.test", "bob", "short"),
            "password",
            Problem::TooShort { min: 10 },
        ),
        (
            form("bob@example.test", "bob", "azertyuiop"),
            "password",
            Problem::WeakPassword,
        ),
        (
            form("not-an-email", "bob", "a long enough passphrase"),
            "email",
            Problem::InvalidEmail,
        ),
        (
            form("bob@example.test", "b!b", "a long enough passphrase"),
            "handle",
            Problem::InvalidHandle,
        ),
        (
            form("bob@example.test", "admin", "a long enough passphrase"),
            "handle",
            Problem::HandleTaken,
        ),
    ];
    for (form, field, problem) in cases {
        let err = app.call_err(&other, "signup", &form).await;
        assert_eq!(err, AppError::invalid(field, problem), "for {form:?}");
    }
    assert_eq!(
        app.me(&other).await,
        None,
        "a failed sign-up logs nobody in"
    );
    let response = app
        .call(&other, "signup", &form("bob@example.test", "bob", "short"))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "field errors are 422"
    );
    let response = app.call(&other, "settings", &[]).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn brand_sign_up_needs_a_company_and_a_free_slug() {
    let app = spawn_app().await;
    app.sign_up(&app.client(), "brand", "acme").await;
    let client = app.client();
    let base = [
        ("role", "brand"),
        ("email", "other@example.test"),
        ("display_name", "Other"),
        ("handle", "other"),
        ("password", "a long enough passphrase"),
    ];
    let err = app.call_err(&client, "signup", &base).await;
    assert_eq!(err, AppError::invalid("company_name", Problem::Required));
    let mut taken = base.to_vec();
    taken.extend([("company_name", "Other Co"), ("slug", "acme")]);
    let err = app.call_err(&client, "signup", &taken).await;
    assert_eq!(err, AppError::invalid("slug", Problem::SlugTaken));
    let brand: app::accounts::types::BrandPage =
        app.call_ok(&client, "brand", &[("slug", "acme")]).await;
    assert_eq!(brand.company_name, "Test Company");
}

#[tokio::test]
async fn concurrent_sign_ups_for_one_handle_make_one_account() {
    let app = std::sync::Arc::new(spawn_app().await);
    let mut tasks = Vec::new();
    for i in 0..12 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let email = format!("racer{i}@example.test");
            let form = [
                ("role", "fan"),
                ("email", email.as_str()),
                ("display_name", "Racer"),
                ("handle", "racer"),
                ("password", "a long enough passphrase"),
            ];
            app.call(&app.client(), "signup", &form).await.status()
        }));
    }
    let mut won = 0;
    for t in tasks {
        let status = t.await.unwrap();
        if status.is_success() || status.is_redirection() {
            won += 1;
        }
    }
    assert_eq!(
        won, 1,
        "exactly one of the concurrent sign-ups gets the handle"
    );
}

#[tokio::test]
async fn login_logout_and_wrong_password() {
    let app = spawn_app().await;
    app.sign_up(&app.client(), "fan", "carol").await;
    let client = app.client();
    let err = app
        .call_err(
            &client,
            "login",
            &[
                ("email", "carol@example.test"),
                ("password", "wrong password!"),
            ],
        )
        .await;
    assert_eq!(
        err,
        AppError::invalid("password", Problem::WrongCredentials)
    );
    let err = app
        .call_err(
            &client,
            "login",
            &[
                ("email", "nobody@example.test"),
                ("password", "wrong password!"),
            ],
        )
        .await;
    assert_eq!(
        err,
        AppError::invalid("password", Problem::WrongCredentials),
        "unknown emails look the same"
    );
    assert_eq!(app.me(&client).await, None);

    let _: () = app
        .call_ok(
            &client,
            "login",
            &[
                ("email", "Carol@Example.test"),
                ("password", "a long enough passphrase"),
            ],
        )
        .await;
    assert_eq!(app.me(&client).await.unwrap().handle, "carol");
    let _: () = app.call_ok(&client, "logout", &[]).await;
    assert_eq!(app.me(&client).await, None);
}

#[tokio::test]
async fn session_cookie_is_hardened_and_cycled_at_login() {
    let app = spawn_app().await;
    app.sign_up(&app.client(), "fan", "dave").await;
    let creds = [
        ("email", "dave@example.test"),
        ("password", "a long enough passphrase"),
    ];

    let first = app.call(&app.client(), "login", &creds).await;
    let cookie = first
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("tremplin_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http base URL: {cookie}");
    let first_value = cookie.split(';').next().unwrap().to_owned();

    // Logging in again on a session that already has an id must issue a new id and drop the old.
    let client = app.client();
    let raw = |c: &str| c.split(';').next().unwrap().to_owned();
    let a = app.call(&client, "login", &creds).await;
    let id_a = raw(a.headers().get("set-cookie").unwrap().to_str().unwrap());
    let b = app.call(&client, "login", &creds).await;
    let id_b = raw(b.headers().get("set-cookie").unwrap().to_str().unwrap());
    assert_ne!(id_a, id_b, "the session id changes at login");
    assert_ne!(first_value, id_a);

    let stale = reqwest::Client::new();
    let me: Option<app::accounts::types::SessionUser> = stale
        .post(app.url("/api/me"))
        .header("cookie", &id_a)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me, None, "the pre-login session id no longer authenticates");
}

#[tokio::test]
async fn failed_logins_are_rate_limited_per_account_and_per_address() {
    let app = spawn_app().await;
    app.sign_up(&app.client(), "fan", "erin").await;
    let client = app.client();
    let wrong = [
        ("email", "erin@example.test"),
        ("password", "not the password"),
    ];
    for _ in 0..5 {
        let err = app.call_err(&client, "login", &wrong).await;
        assert_eq!(
            err,
            AppError::invalid("password", Problem::WrongCredentials)
        );
    }
    let blocked = app
        .call(
            &client,
            "login",
            &[
                ("email", "erin@example.test"),
                ("password", "a long enough passphrase"),
            ],
        )
        .await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = blocked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
    let err: AppError = blocked.json().await.unwrap();
    assert!(matches!(err, AppError::RateLimited { .. }));
    assert_eq!(app.me(&client).await, None, "even the right password waits");

    // Other accounts from the same address are limited too, after 20 failures in all.
    for i in 0..15 {
        let email = format!("ghost{i}@example.test");
        let response = app
            .call(
                &client,
                "login",
                &[("email", &email), ("password", "whatever123")],
            )
            .await;
        assert_ne!(
            response.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "attempt {i}"
        );
    }
    let response = app
        .call(
            &client,
            "login",
            &[
                ("email", "ghost99@example.test"),
                ("password", "whatever123"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn address_limits_see_through_trusted_proxies_only_and_spare_good_logins() {
    let app = crate::common::spawn_app_with(&[("TREMPLIN_TRUSTED_PROXIES", "127.0.0.1")]).await;
    app.sign_up(&app.client(), "fan", "olga").await;
    for i in 0..20 {
        let email = format!("ghost{i}@example.test");
        let status = app.login_from("203.0.113.5", &email, "whatever123").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}");
    }
    let status = app
        .login_from("203.0.113.5", "ghost@example.test", "whatever123")
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let good = "a long enough passphrase";
    for i in 0..25 {
        let status = app
            .login_from("203.0.113.6", "olga@example.test", good)
            .await;
        assert_eq!(status, StatusCode::OK, "another client, login {i}");
    }

    // Without a trusted proxy the header is the client's own claim, and is ignored.
    let app = spawn_app().await;
    for i in 0..20 {
        let email = format!("ghost{i}@example.test");
        let status = app
            .login_from(&format!("203.0.113.{i}"), &email, "whatever123")
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}");
    }
    let status = app
        .login_from("203.0.113.99", "ghost@example.test", "whatever123")
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn one_address_opens_a_limited_number_of_accounts_an_hour() {
    let app = crate::common::spawn_app_with(&[
        ("TREMPLIN_TRUSTED_PROXIES", "127.0.0.1"),
        ("TREMPLIN_SIGNUPS_PER_HOUR", "3"),
    ])
    .await;
    let sign_up_from = |ip: &'static str, handle: String| {
        let request = app
            .client()
            .post(app.url("/api/signup"))
            .header("accept", "application/json")
            .header("x-forwarded-for", ip)
            .form(&[
                ("role", "fan"),
                ("email", &format!("{handle}@example.test")),
                ("display_name", "Flood"),
                ("handle", &handle),
                ("password", "a long enough passphrase"),
            ]);
        async move { request.send().await.unwrap() }
    };
    for i in 0..3 {
        let response = sign_up_from("198.51.100.7", format!("flood{i}")).await;
        assert_eq!(response.status(), StatusCode::OK, "account {i}");
    }
    let refused = sign_up_from("198.51.100.7", "flood3".into()).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&wait), "retry after {wait} s");
    let refused_login = app
        .login_from(
            "198.51.100.8",
            "flood3@example.test",
            "a long enough passphrase",
        )
        .await;
    assert_eq!(
        refused_login,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no account was made"
    );
    let other = sign_up_from("198.51.100.9", "neighbour".into()).await;
    assert_eq!(
        other.status(),
        StatusCode::OK,
        "another address is not limited"
    );
}

#[tokio::test]
async fn change_password_checks_the_current_one() {
    let app = spawn_app().await;
    let client = app.client();
    app.sign_up(&client, "fan", "frank").await;
    let phone = app.client();
    let _: () = app
        .call_ok(
            &phone,
            "login",
            &[
                ("email", "frank@example.test"),
                ("password", "a long enough passphrase"),
            ],
        )
        .await;
    assert!(app.me(&phone).await.is_some());
    let err = app
        .call_err(
            &client,
            "change_password",
            &[
                ("current", "nope nope nope"),
                ("new_password", "another fine passphrase"),
                ("confirm", "another fine passphrase"),
            ],
        )
        .await;
    assert_eq!(err, AppError::invalid("current", Problem::WrongPassword));
    let err = app
        .call_err(
            &client,
            "change_password",
            &[
                ("current", "a long enough passphrase"),
                ("new_password", "another fine passphrase"),
                ("confirm", "something else entirely"),
            ],
        )
        .await;
    assert_eq!(err, AppError::invalid("confirm", Problem::PasswordsDiffer));
    let _: () = app
        .call_ok(
            &client,
            "change_password",
            &[
                ("current", "a long enough passphrase"),
                ("new_password", "another fine passphrase"),
                ("confirm", "another fine passphrase"),
            ],
        )
        .await;
    assert!(
        app.me(&client).await.is_some(),
        "the changing session stays"
    );
    assert!(
        app.me(&phone).await.is_none(),
        "a password change ends the other sessions"
    );
    let fresh = app.client();
    let _: () = app
        .call_ok(
            &fresh,
            "login",
            &[
                ("email", "frank@example.test"),
                ("password", "another fine passphrase"),
            ],
        )
        .await;
    assert!(app.me(&fresh).await.is_some());
}

#[tokio::test]
async fn password_reset_by_emailed_link_works_once() {
    let app = spawn_app().await;
    let old_session = app.client();
    app.sign_up(&old_session, "fan", "gina").await;
    let client = app.client();
    let _: () = app
        .call_ok(&client, "request_reset", &[("email", "gina@example.test")])
        .await;
    let _: () = app
        .call_ok(
            &client,
            "request_reset",
            &[("email", "nobody@example.test")],
        )
        .await;
    let french = client
        .post(app.url("/api/request_reset"))
        .header("accept", "application/json")
        .header("accept-language", "fr-FR,fr;q=0.9")
        .form(&[("email", "gina@example.test")])
        .send()
        .await
        .unwrap();
    assert!(french.status().is_success());

    let outbox = app.data_dir.path().join("outbox");
    // Mail leaves in the background: wait for the two messages.
    let mut mails: Vec<String> = Vec::new();
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        mails = std::fs::read_dir(&outbox)
            .map(|dir| {
                dir.map(|m| std::fs::read_to_string(m.unwrap().path()).unwrap())
                    .filter(|m| m.contains("/reset/"))
                    .collect()
            })
            .unwrap_or_default();
        if mails.len() >= 2 {
            break;
        }
    }
    assert_eq!(mails.len(), 2, "only the existing account gets mail");
    assert!(
        mails
            .iter()
            .any(|m| m.contains("Subject: Réinitialiser votre mot de passe Tremplin")),
        "the mail speaks the language of the request"
    );
    let mail = mails.iter().find(|m| m.contains("Subject: Reset")).unwrap();
    assert!(mail.starts_with("To: gina@example.test"));
    assert!(
        mail.contains("Subject: Reset your Tremplin password"),
        "{mail}"
    );
    let token = mail
        .split_whitespace()
        .find_map(|w| w.split("/reset/").nth(1))
        .unwrap()
        .to_owned();

    let form = |t: &str| {
        vec![
            ("token", t.to_owned()),
            ("password", "my brand new passphrase".to_owned()),
            ("confirm", "my brand new passphrase".to_owned()),
        ]
    };
    let as_refs = |f: &Vec<(&'static str, String)>| {
        f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
    };
    let bad = as_refs(&form("0000"));
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.call_err(&client, "reset_password", &bad).await,
        AppError::invalid("token", Problem::LinkExpired)
    );

    let good = as_refs(&form(&token));
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let _: () = app.call_ok(&client, "reset_password", &good).await;
    assert_eq!(app.me(&client).await.unwrap().handle, "gina");
    assert!(
        app.me(&old_session).await.is_none(),
        "a reset ends the sessions opened with the old password"
    );
    assert_eq!(
        app.call_err(&app.client(), "reset_password", &good).await,
        AppError::invalid("token", Problem::LinkExpired),
        "a link works once"
    );
    let french_token = mails
        .iter()
        .find(|m| m.contains("Subject: Réinitialiser"))
        .and_then(|m| m.split_whitespace().find_map(|w| w.split("/reset/").nth(1)))
        .unwrap();
    let other = [
        ("token", french_token),
        ("password", "yet another passphrase"),
        ("confirm", "yet another passphrase"),
    ];
    assert_eq!(
        app.call_err(&app.client(), "reset_password", &other).await,
        AppError::invalid("token", Problem::LinkExpired),
        "using one link retires the others"
    );
    let _: () = app
        .call_ok(
            &app.client(),
            "login",
            &[
                ("email", "gina@example.test"),
                ("password", "my brand new passphrase"),
            ],
        )
        .await;
}

#[tokio::test]
async fn an_expired_reset_link_is_refused() {
    use sha2::Digest;
    let app = spawn_app().await;
    app.sign_up(&app.client(), "fan", "hana").await;
    let db = app::ssr::Db::connect(&app.database_url).await.unwrap();
    let user_id = app::accounts::store::login_by_email(&db, "hana@example.test")
        .await
        .unwrap()
        .unwrap()
        .id;
    let hash = hex::encode(sha2::Sha256::digest(b"expiredtoken"));
    use app::accounts::types::LinkPurpose;
    app::accounts::store::create_link(&db, LinkPurpose::Reset, user_id, &hash, app::ssr::now() - 1)
        .await
        .unwrap();
    let err = app
        .call_err(
            &app.client(),
            "reset_password",
            &[
                ("token", "expiredtoken"),
                ("password", "my brand new passphrase"),
                ("confirm", "my brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(err, AppError::invalid("token", Problem::LinkExpired));
}

#[tokio::test]
async fn housekeeping_deletes_spent_links_and_ended_counters_only() {
    use app::accounts::{rules::RateLimit, store};
    // No app runs on this database: its own housekeeping would race with this test's.
    let (_dir, db) = crate::common::fresh_db().await;
    let user_id = crate::common::user(&db, "ines").await;
    let now = app::ssr::now();
    use app::accounts::types::LinkPurpose;
    store::create_link(&db, LinkPurpose::Reset, user_id, "live", now + 600)
        .await
        .unwrap();
    store::create_link(&db, LinkPurpose::Login, user_id, "expired", now - 1)
        .await
        .unwrap();
    let day = RateLimit::MAX_WINDOW_SECS;
    let limit = RateLimit {
        limit: 5,
        window_secs: 60,
    };
    store::hit_rate_limit(&db, "old", limit, now - day - 1)
        .await
        .unwrap();
    store::hit_rate_limit(&db, "current", limit, now)
        .await
        .unwrap();

    assert_eq!(store::purge_stale(&db, now).await.unwrap(), 2);
    let count = |table: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&db.pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("email_links").await, 1, "the live link stays");
    assert_eq!(count("rate_limits").await, 1, "the current window stays");
    assert_eq!(store::purge_stale(&db, now).await.unwrap(), 0);
}

#[tokio::test]
async fn reset_mail_goes_through_smtp_when_configured() {
    let (smtp, mut inbox) = crate::common::smtp_sink().await;
    // The sink speaks no TLS: plain text, asked for by name.
    let url = format!("smtp://{smtp}?tls=none");
    let app = crate::common::spawn_app_with(&[
        ("TREMPLIN_SMTP_URL", &url),
        ("TREMPLIN_MAIL_FROM", "Tremplin <no-reply@tremplin.test>"),
    ])
    .await;
    // The welcome mail with its confirmation link goes through SMTP too.
    app.sign_up_unconfirmed(&app.client(), "fan", "ivy").await;
    let _: () = app
        .call_ok(
            &app.client(),
            "request_reset",
            &[("email", "ivy@example.test")],
        )
        .await;
    let mut mails = Vec::new();
    while mails.len() < 2 {
        let mail = tokio::time::timeout(std::time::Duration::from_secs(10), inbox.recv())
            .await
            .expect("both messages reached the SMTP server")
            .unwrap();
        mails.push(mail);
    }
    assert!(mails.iter().any(|m| m.contains("/confirm/")), "{mails:?}");
    let mail = mails.into_iter().find(|m| m.contains("/reset/")).unwrap();
    assert!(mail.contains("To: ivy@example.test"), "{mail}");
    assert!(
        mail.contains("From: Tremplin <no-reply@tremplin.test>"),
        "{mail}"
    );
    assert!(
        !app.data_dir.path().join("outbox").exists(),
        "nothing went to the file outbox"
    );
}

#[tokio::test]
async fn reset_mail_is_never_sent_in_clear_to_a_server_without_starttls() {
    let (smtp, mut inbox) = crate::common::smtp_sink().await;
    // A bare smtp:// URL: STARTTLS is required, and this server does not offer it (nor would
    // one whose offer an attacker stripped).
    let url = format!("smtp://{smtp}");
    let app = crate::common::spawn_app_with(&[("TREMPLIN_SMTP_URL", &url)]).await;
    app.sign_up_unconfirmed(&app.client(), "fan", "ines").await;
    let _: () = app
        .call_ok(
            &app.client(),
            "request_reset",
            &[("email", "ines@example.test")],
        )
        .await;
    let mail = tokio::time::timeout(std::time::Duration::from_secs(3), inbox.recv()).await;
    assert!(mail.is_err(), "a message went out in clear: {mail:?}");
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_is_limited_like_a_sequence() {
    let app = std::sync::Arc::new(spawn_app().await);
    app.sign_up(&app.client(), "fan", "otto").await;
    let mut tasks = Vec::new();
    for _ in 0..30 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let wrong = [
                ("email", "otto@example.test"),
                ("password", "a wrong guess"),
            ];
            app.call(&app.client(), "login", &wrong).await.status()
        }));
    }
    let mut checked = 0;
    let mut limited = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::UNPROCESSABLE_ENTITY => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => limited += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!((checked, limited), (5, 25), "exactly 5 guesses are checked");
}

/// Security #4: a reset with a guessed token is refused before any argon2 work, and a flood
/// of them from one address is cut off with 429, never a 500.
#[tokio::test]
async fn guessed_reset_tokens_cost_no_hash_and_are_rate_limited() {
    let app = std::sync::Arc::new(spawn_app().await);
    let before = app.passwords.computations();
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let token = format!("{i:064x}");
                let form = [
                    ("token", token.as_str()),
                    ("password", "a brand new passphrase"),
                    ("confirm", "a brand new passphrase"),
                ];
                let response = app.call(&app.client(), "reset_password", &form).await;
                let retry = response.headers().get("retry-after").cloned();
                (response.status(), retry)
            })
        })
        .collect();
    let (mut refused, mut limited) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            (StatusCode::UNPROCESSABLE_ENTITY, _) => refused += 1,
            (StatusCode::TOO_MANY_REQUESTS, Some(retry)) => {
                let secs: u64 = retry.to_str().unwrap().parse().unwrap();
                assert!((1..=3600).contains(&secs), "Retry-After {secs}");
                limited += 1;
            }
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(
        (refused, limited),
        (10, 30),
        "10 attempts an hour per address"
    );
    assert_eq!(
        app.passwords.computations(),
        before,
        "no password was hashed for a token that does not exist"
    );
}

/// Security #8: failures from one address lock that address out of the account, not the
/// owner logging in from another.
#[tokio::test]
async fn guessing_from_one_address_does_not_lock_the_owner_out() {
    let app = crate::common::spawn_app_with(&[("TREMPLIN_TRUSTED_PROXIES", "127.0.0.1")]).await;
    app.sign_up(&app.client(), "fan", "ursula").await;
    let (email, good) = ("ursula@example.test", "a long enough passphrase");
    for i in 0..5 {
        let status = app.login_from("203.0.113.66", email, "a wrong guess").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "guess {i}");
    }
    assert_eq!(
        app.login_from("203.0.113.66", email, good).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the guessing address waits, even with the right password"
    );
    assert_eq!(
        app.login_from("198.51.100.20", email, good).await,
        StatusCode::OK,
        "the owner, from their own address, logs in"
    );
}

/// Security #12: an IPv6 client is counted by its /64, so hopping between the addresses of
/// its own network does not reset its limits.
#[tokio::test]
async fn ipv6_addresses_of_one_network_share_a_limit() {
    let app = crate::common::spawn_app_with(&[("TREMPLIN_TRUSTED_PROXIES", "127.0.0.1")]).await;
    for i in 0..20 {
        let email = format!("ghost{i}@example.test");
        let ip = format!("2001:db8:aa:bb::{:x}", i + 1);
        let status = app.login_from(&ip, &email, "whatever123").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}");
    }
    let status = app
        .login_from(
            "2001:db8:aa:bb:ffff::1",
            "ghost@example.test",
            "whatever123",
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "same /64");
    let status = app
        .login_from("2001:db8:aa:bc::1", "ghost@example.test", "whatever123")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "another /64");
}
