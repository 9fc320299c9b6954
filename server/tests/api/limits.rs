//! Security #12: limits on what mails, notifies, pays or stores on someone's behalf, and the
//! refusals a host's ban carries beyond the chat. Every limit answers 429 with `Retry-After`.
//! On SQLite and PostgreSQL.

use app::error::AppError;
use app::ssr::{now, Db};
use reqwest::{Response, StatusCode};

use crate::common::{spawn_app, spawn_app_with, top_up};
use crate::live::schedule;
use crate::merch::{buy_form, pin, product, PIXEL};

/// Fails unless `response` is a rate limit with a `Retry-After` of at most `max` seconds.
async fn assert_limited(response: Response, max: u64) {
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=max).contains(&wait), "Retry-After {wait}");
    let error: AppError = response.json().await.unwrap();
    assert!(matches!(error, AppError::RateLimited { .. }), "{error:?}");
}

#[tokio::test]
async fn deal_offers_and_campaign_applications_are_limited_per_hour() {
    let app = spawn_app().await;
    let (brand, creator) = (app.client(), app.client());
    app.sign_up(&brand, "brand", "eager_brand").await;
    app.sign_up(&creator, "creator", "busy_creator").await;
    let due = app::ui::date::format_date_input(now() + 14 * 86_400);
    let offer = [
        ("handle", "busy_creator"),
        ("amount", "80"),
        ("deliverables", "One story"),
        ("due_on", due.as_str()),
    ];
    for i in 0..20 {
        let response = app.call(&brand, "offer_deal", &offer).await;
        assert_eq!(response.status(), StatusCode::OK, "offer {i}");
    }
    assert_limited(app.call(&brand, "offer_deal", &offer).await, 3600).await;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deals")
        .fetch_one(&Db::connect(&app.database_url).await.unwrap().pool)
        .await
        .unwrap();
    assert_eq!(count, 20, "the refused offer opened nothing");
}

#[tokio::test]
async fn top_ups_are_limited_per_hour() {
    let app = spawn_app().await;
    let fan = app.client();
    app.sign_up(&fan, "fan", "card_tester").await;
    for i in 0..20 {
        let response = app.call(&fan, "top_up", &[("amount", "5")]).await;
        assert_eq!(response.status(), StatusCode::OK, "top-up {i}");
    }
    assert_limited(app.call(&fan, "top_up", &[("amount", "5")]).await, 3600).await;
}

#[tokio::test]
async fn a_follow_unfollow_loop_notifies_the_creator_once() {
    let app = spawn_app().await;
    let (creator, fan) = (app.client(), app.client());
    app.sign_up(&creator, "creator", "loop_star").await;
    app.sign_up(&fan, "fan", "loop_fan").await;
    for _ in 0..5 {
        for on in ["true", "false"] {
            let form = [("handle", "loop_star"), ("follow", on)];
            let _: () = app.call_ok(&fan, "follow", &form).await;
        }
    }
    let unread: u64 = app.call_ok(&creator, "unread_notifications", &[]).await;
    assert_eq!(unread, 1);
}

#[tokio::test]
async fn an_address_counts_one_click_per_link_and_day_without_cookies() {
    let app = spawn_app_with(&[("TREMPLIN_TRUSTED_PROXIES", "127.0.0.1")]).await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let creator = app.client();
    app.sign_up(&creator, "creator", "click_star").await;
    let creator_id = app.me(&creator).await.unwrap().id;
    sqlx::query(
        "INSERT INTO affiliate_links (code, creator_id, product_key, created_at)
         VALUES ('flood', $1, 0, 0)",
    )
    .bind(creator_id)
    .execute(&db.pool)
    .await
    .unwrap();
    let click = |ip: &'static str| {
        // A new client each time: no cookie is ever sent back.
        let request = app
            .client()
            .get(app.url("/r/flood"))
            .header("x-forwarded-for", ip);
        async move { request.send().await.unwrap() }
    };
    for ip in ["203.0.113.40"; 30] {
        let response = click(ip).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(response.headers().contains_key("set-cookie"), "attributed");
    }
    click("2001:db8:5:6::1").await;
    click("2001:db8:5:6::2").await;
    let clicks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM link_clicks WHERE code = 'flood'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(clicks, 2, "one per address (an IPv6 /64 is one address)");
}

#[tokio::test]
async fn a_strangers_product_image_is_refused_before_it_is_read() {
    let app = spawn_app().await;
    let (seller, stranger) = (app.client(), app.client());
    app.sign_up(&seller, "creator", "image_seller").await;
    app.sign_up(&stranger, "creator", "image_stranger").await;
    let id = product(&app, &seller, "Cap", ["1", "1"]).await;
    let upload = |who: &reqwest::Client, body: &'static [u8]| {
        let request = who
            .post(app.url(&format!("/api/products/{id}/images")))
            .header("content-type", "application/octet-stream")
            .body(body);
        async move { request.send().await.unwrap() }
    };
    // Not even looked at, let alone stored: the owner is checked first.
    assert_eq!(upload(&stranger, b"not an image").await.status(), 403);
    assert_eq!(upload(&stranger, PIXEL).await.status(), 403);
    assert_eq!(upload(&seller, PIXEL).await.status(), 201);
}

#[tokio::test]
async fn a_fan_banned_from_the_hosts_rooms_books_no_slot_and_buys_no_merch() {
    let app = spawn_app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let (host, banned, welcome) = (app.client(), app.client(), app.client());
    app.sign_up(&host, "creator", "ban_host").await;
    app.sign_up(&banned, "fan", "ban_fan").await;
    app.sign_up(&welcome, "fan", "ban_welcome").await;
    let host_id = app.me(&host).await.unwrap().id;
    let (banned_id, welcome_id) = (
        app.me(&banned).await.unwrap().id,
        app.me(&welcome).await.unwrap().id,
    );
    top_up(&db, banned_id, 10_000).await;
    top_up(&db, welcome_id, 10_000).await;
    let event = schedule(&app, &host).await;
    let tee = product(&app, &host, "Tour tee", ["5", "5"]).await;
    assert_eq!(pin(&app, &host, event, tee).await.status(), 200);
    app::live::room::store::sanction(&db, host_id, banned_id, None, host_id, now())
        .await
        .unwrap();

    let event_s = event.to_string();
    let page: app::live::types::Event = app
        .call_ok(&welcome, "get_event", &[("id", &event_s)])
        .await;
    let variant = page.merch[0].variants[0].id.to_string();
    let book = [("id", event_s.as_str()), ("key", "k1"), ("price", "1500")];
    let buy = buy_form(&event_s, &variant, "2450");
    assert_eq!(
        app.call_err(&banned, "book_slot", &book).await,
        AppError::Forbidden
    );
    assert_eq!(
        app.call_err(&banned, "buy_merch", &buy).await,
        AppError::Forbidden
    );
    let _: i64 = app.call_ok(&welcome, "book_slot", &book).await;
    let _: app::live::merch::Bought = app.call_ok(&welcome, "buy_merch", &buy).await;
}
