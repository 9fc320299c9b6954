//! Links Tremplin mails: the confirmation of an account's address (and what waits for it), and
//! the sign-in link that opens an account whose password attempts are refused. On SQLite and
//! PostgreSQL.

use crate::common::{spawn_app, spawn_app_with};
use app::accounts::types::Settings;
use app::error::{AppError, Problem};
use reqwest::StatusCode;

const PASSWORD: &str = "a long enough passphrase";

#[tokio::test]
async fn a_new_address_is_confirmed_by_opening_the_mailed_link() {
    let app = spawn_app().await;
    let zoe = app.client();
    app.sign_up_unconfirmed(&zoe, "fan", "zoe").await;
    let settings: Settings = app.call_ok(&zoe, "settings", &[]).await;
    assert!(!settings.email_confirmed);
    let page = app.page(&zoe, "/settings").await;
    assert!(page.contains(r#"data-testid="email-state""#), "{page}");

    let token = app.mailed_token("zoe@example.test", "/confirm/").await;
    let mail = app.mails_to("zoe@example.test").remove(0);
    assert!(
        mail.contains("Subject: Confirm your Tremplin email address"),
        "{mail}"
    );
    // Opening the link is enough: the page confirms as it renders, JavaScript or not.
    let page = app.page(&app.client(), &format!("/confirm/{token}")).await;
    assert!(page.contains(r#"data-testid="email-confirmed""#), "{page}");
    let settings: Settings = app.call_ok(&zoe, "settings", &[]).await;
    assert!(settings.email_confirmed);

    // Opened again (on another device, or after a mail scanner), it still says which address
    // is confirmed; a made-up link never worked, whoever opens it.
    let again = app.page(&app.client(), &format!("/confirm/{token}")).await;
    assert!(
        again.contains(r#"data-testid="email-confirmed""#),
        "{again}"
    );
    assert!(again.contains("zoe@example.test"), "{again}");
    let answer: String = app
        .call_ok(&zoe, "confirm_email", &[("token", &token)])
        .await;
    assert_eq!(answer, "zoe@example.test");
    for made_up in ["not-a-token", &"0".repeat(64)] {
        let page = app.page(&zoe, &format!("/confirm/{made_up}")).await;
        assert!(!page.contains("email-confirmed"), "{made_up}");
        assert!(page.contains("form-error"), "{page}");
    }
}

#[tokio::test]
async fn the_confirmation_can_be_sent_again_three_times_an_hour() {
    let app = spawn_app().await;
    let yan = app.client();
    app.sign_up_unconfirmed(&yan, "fan", "yan").await;
    let first = app.mailed_token("yan@example.test", "/confirm/").await;
    // The sign-up's mail counts: two more this hour.
    for _ in 0..2 {
        let _: () = app.call_ok(&yan, "resend_confirmation", &[]).await;
    }
    let refused = app.call(&yan, "resend_confirmation", &[]).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let newest = app.mailed_token("yan@example.test", "/confirm/").await;
    let links = |app: &crate::common::TestApp| {
        let mails = app.mails_to("yan@example.test");
        mails.iter().filter(|m| m.contains("/confirm/")).count()
    };
    for _ in 0..200 {
        if links(&app) == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(links(&app), 3, "the sign-up's link and two more");
    // Any of them confirms; using one retires the others.
    let _: String = app
        .call_ok(&app.client(), "confirm_email", &[("token", &newest)])
        .await;
    let answer: String = app
        .call_ok(&app.client(), "confirm_email", &[("token", &first)])
        .await;
    assert_eq!(
        answer, "yan@example.test",
        "a retired link of a confirmed address"
    );
    let unused: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM email_links WHERE purpose = 'confirm' AND used_at IS NULL",
    )
    .fetch_one(&app::ssr::Db::connect(&app.database_url).await.unwrap().pool)
    .await
    .unwrap();
    assert_eq!(unused, 0, "using one link retired the others");
    // Nothing more to send once confirmed, and the sign-in pages need no session.
    let _: () = app.call_ok(&yan, "resend_confirmation", &[]).await;
    let anonymous = app.call(&app.client(), "resend_confirmation", &[]).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn deal_news_are_not_mailed_to_an_unconfirmed_address() {
    let app = spawn_app().await;
    let db = app::ssr::Db::connect(&app.database_url).await.unwrap();
    let brand = app.client();
    app.sign_up(&brand, "brand", "lumen").await;
    let creator = app.client();
    app.sign_up_unconfirmed(&creator, "creator", "unsure").await;
    let due = app::ui::date::format_date_input(app::ssr::now() + 7 * 86_400);
    let offer = [
        ("handle", "unsure"),
        ("amount", "80"),
        ("deliverables", "One story"),
        ("due_on", due.as_str()),
    ];
    let _: i64 = app.call_ok(&brand, "offer_deal", &offer).await;
    app::notifications::mail::send_pending(&app.state(&db), app::ssr::now())
        .await
        .unwrap();
    let mails = app.mails_to("unsure@example.test");
    assert!(
        mails.iter().all(|m| !m.contains("/deals/")),
        "no deal mail: {mails:?}"
    );
    let unread: u64 = app.call_ok(&creator, "unread_notifications", &[]).await;
    assert_eq!(unread, 1, "the news waits on the site");
}

/// Security #8: guesses from many addresses stop passwords working on an account for a while,
/// but never lock its owner out: a link mailed to them opens it.
#[tokio::test]
async fn guesses_from_everywhere_leave_the_owner_a_way_in_by_mail() {
    let app = spawn_app_with(&[("TREMPLIN_TRUSTED_PROXIES", "127.0.0.1")]).await;
    app.sign_up(&app.client(), "fan", "pia").await;
    // 25 addresses, 4 guesses each: under every per-address limit, 100 on the account.
    for i in 1..=25 {
        for _ in 0..4 {
            let ip = format!("203.0.113.{i}");
            let status = app
                .login_from(&ip, "pia@example.test", "a wrong guess")
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "from {ip}");
        }
    }
    let owner = app
        .client()
        .post(app.url("/api/login"))
        .header("accept", "application/json")
        .header("x-forwarded-for", "198.51.100.1")
        .form(&[("email", "pia@example.test"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(owner.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: AppError = owner.json().await.unwrap();
    assert_eq!(err, AppError::invalid("email", Problem::AccountBusy));

    let phone = app.client();
    let _: () = app
        .call_ok(
            &phone,
            "request_login_link",
            &[("email", "pia@example.test")],
        )
        .await;
    let _: () = app
        .call_ok(
            &phone,
            "request_login_link",
            &[("email", "nobody@example.test")],
        )
        .await;
    let token = app.mailed_token("pia@example.test", "/login/link/").await;
    assert!(app.mails_to("nobody@example.test").is_empty());
    // Opening the page uses nothing: only its button does.
    let page = app.page(&phone, &format!("/login/link/{token}")).await;
    assert!(page.contains(r#"name="token""#), "{page}");
    assert_eq!(app.me(&phone).await, None);
    let _: () = app
        .call_ok(&phone, "login_with_link", &[("token", &token)])
        .await;
    assert_eq!(app.me(&phone).await.unwrap().handle, "pia");
    let err = app
        .call_err(&app.client(), "login_with_link", &[("token", &token)])
        .await;
    assert_eq!(
        err,
        AppError::invalid("token", Problem::LinkExpired),
        "once"
    );
}

#[tokio::test]
async fn guessed_link_tokens_are_cut_off_and_good_links_are_not_counted() {
    let app = spawn_app().await;
    let client = app.client();
    for i in 0..10 {
        let token = format!("{i:064x}");
        let err = app
            .call_err(&client, "login_with_link", &[("token", &token)])
            .await;
        assert_eq!(err, AppError::invalid("token", Problem::LinkExpired));
    }
    let refused = app
        .call(&client, "confirm_email", &[("token", "another guess")])
        .await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));

    // Twelve people behind one address each open their own link: none is refused.
    let app = spawn_app().await;
    for i in 0..12 {
        app.sign_up(&app.client(), "fan", &format!("office{i}"))
            .await;
    }
}

#[tokio::test]
async fn link_requests_cannot_flood_inboxes_or_tell_who_has_an_account() {
    let app = spawn_app().await;
    app.sign_up(&app.client(), "fan", "rosa").await;
    let client = app.client();
    // Past three an hour the answer is still "sent", so it tells nothing, and a stranger's
    // requests never leave the owner facing a refusal; no more mail goes out.
    for email in ["rosa@example.test", "nobody@example.test"] {
        for _ in 0..4 {
            let form = [("email", email)];
            let _: () = app.call_ok(&client, "request_login_link", &form).await;
        }
    }
    let _ = app.mailed_token("rosa@example.test", "/login/link/").await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let mails = app.mails_to("rosa@example.test");
    let links = mails.iter().filter(|m| m.contains("/login/link/")).count();
    assert_eq!(links, 3);
    assert!(app.mails_to("nobody@example.test").is_empty());
    // One address asking for many inboxes is cut off too: 20 an hour, whichever kind, and
    // eight were asked above.
    for i in 0..12 {
        let email = format!("someone{i}@example.test");
        let _: () = app
            .call_ok(&client, "request_reset", &[("email", &email)])
            .await;
    }
    let refused = app
        .call(
            &client,
            "request_reset",
            &[("email", "one-more@example.test")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
}

/// A new password retires every link asked for before it: whoever asked for them (the
/// attacker the owner just locked out, say) cannot use them afterwards.
#[tokio::test]
async fn a_new_password_retires_earlier_login_and_reset_links() {
    let app = spawn_app().await;
    let tess = app.client();
    app.sign_up(&tess, "fan", "tess").await;
    for function in ["request_login_link", "request_reset"] {
        let _: () = app
            .call_ok(&app.client(), function, &[("email", "tess@example.test")])
            .await;
    }
    let login = app.mailed_token("tess@example.test", "/login/link/").await;
    let reset = app.mailed_token("tess@example.test", "/reset/").await;
    let change = [
        ("current", PASSWORD),
        ("new_password", "another long passphrase"),
        ("confirm", "another long passphrase"),
    ];
    let _: () = app.call_ok(&tess, "change_password", &change).await;
    let err = app
        .call_err(&app.client(), "login_with_link", &[("token", &login)])
        .await;
    assert_eq!(err, AppError::invalid("token", Problem::LinkExpired));
    let form = [
        ("token", reset.as_str()),
        ("password", "a third long passphrase"),
        ("confirm", "a third long passphrase"),
    ];
    let err = app.call_err(&app.client(), "reset_password", &form).await;
    assert_eq!(err, AppError::invalid("token", Problem::LinkExpired));
}
