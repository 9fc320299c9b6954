//! The hostile-input suite (issue 21): every user text field filled with markup-breaking
//! payloads is shown inert on every page that shows it, to a visitor and to the people
//! concerned; a value from the URL never fills a form; and every server function, called with
//! oversized, malformed, wrong-typed and missing arguments, answers 4xx, never 5xx, and leaves
//! the server healthy.

use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::common::{spawn_app, top_up, TestApp};
use crate::live::event_form;
use app::error::{AppError, Problem};
use app::ssr::Db;

/// Closes `<title>` and runs a script.
const SCRIPT: &str = "</title><script>alert(1)</script>";
/// Closes `<textarea>` and runs a handler.
const TEXTAREA: &str = "</textarea><img src=x onerror=alert(2)>";
/// Closes an attribute and runs a handler.
const ATTRIBUTE: &str = "\"><svg onload=alert(3)>";
/// Runs a script when followed as a link.
const URL: &str = "javascript:alert(4)";

/// The four payloads in one text (118 characters: it fits every title).
fn all() -> String {
    [SCRIPT, TEXTAREA, ATTRIBUTE, URL].join(" ")
}

/// Fails if `html` (the page at `page`) holds any payload as markup: an element or a handler
/// it opened, a `javascript:` link, or markup inside `<title>` or `<textarea>`.
fn assert_inert(html: &str, page: &str) {
    for raw in ["<script>alert(", "<img src=x onerror", "<svg onload"] {
        assert!(!html.contains(raw), "{page} renders {raw:?} raw");
    }
    let lower = html.to_ascii_lowercase();
    for attribute in ["href", "src", "action", "formaction"] {
        for quote in ["\"", "'", ""] {
            let link = format!("{attribute}={quote}javascript:");
            assert!(!lower.contains(&link), "{page} holds {link:?}");
        }
    }
    for element in ["title", "textarea"] {
        for content in contents_of(html, element, page) {
            // `<!>` is Leptos's own hydration marker (an SVG chart's tooltip `<title>` has one),
            // never the page's text.
            assert!(
                !content.replace("<!>", "").contains('<'),
                "{page}: markup inside <{element}>: {content:?}"
            );
        }
    }
}

/// The text of every `element` of `html`, as the server wrote it.
fn contents_of<'a>(html: &'a str, element: &str, page: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{element}"), format!("</{element}>"));
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        // `<titlebar>` is not a title.
        if !after.starts_with(['>', ' ', '\n', '\t', '/']) {
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        let inside = &after[gt + 1..];
        let end = inside
            .find(&close)
            .unwrap_or_else(|| panic!("{page}: a <{element}> is never closed"));
        found.push(&inside[..end]);
        rest = &inside[end + close.len()..];
    }
    found
}

/// `html` without the targets of its links.
fn without_links(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("href=\"") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 6..];
        rest = after.find('"').map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out
}

/// The page's `<title>`, decoded enough to compare with what was typed.
fn title_of(html: &str, page: &str) -> String {
    let titles = contents_of(html, "title", page);
    assert_eq!(titles.len(), 1, "{page} has one <title>");
    titles[0]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// A page as a browser asks for it (200 expected): the form flash is only handed to such a
/// request.
async fn html_page(app: &TestApp, client: &Client, path: &str) -> String {
    let response = client
        .get(app.url(path))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.text().await.unwrap()
}

/// Fetches `path` as `client` (200 expected), checks it is inert and returns it.
async fn inert_page(app: &TestApp, client: &Client, path: &str, who: &str) -> String {
    let html = html_page(app, client, path).await;
    assert_inert(&html, &format!("{path} as {who}"));
    html
}

/// Signs up on a new client with a display name (and company name) of our choosing.
async fn sign_up_as(
    app: &TestApp,
    role: &str,
    handle: &str,
    display_name: &str,
    company_name: &str,
) -> Client {
    let client = app.client();
    let email = format!("{handle}@example.test");
    let slug = handle.replace('_', "-");
    let mut form = vec![
        ("role", role),
        ("email", email.as_str()),
        ("display_name", display_name),
        ("handle", handle),
        ("password", "a long enough passphrase"),
    ];
    if role == "brand" {
        form.push(("company_name", company_name));
        form.push(("slug", slug.as_str()));
    }
    let _: () = app.call_ok(&client, "signup", &form).await;
    client
}

fn field_of(error: app::error::AppError) -> String {
    match error {
        app::error::AppError::Invalid { field, .. } => field,
        other => panic!("not a field error: {other:?}"),
    }
}

fn day(offset: i64) -> String {
    app::ui::date::format_date_input(app::ssr::now() + offset * 86_400)
}

#[tokio::test]
async fn hostile_text_in_every_field_is_shown_inert_on_every_page() {
    let app = spawn_app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let all = all();
    let short_name = format!("{SCRIPT} {ATTRIBUTE}");
    let company = format!("{SCRIPT} {TEXTAREA}");

    // A creator whose name, bio, shop, product and event are all hostile.
    let creator = sign_up_as(&app, "creator", "evil_host", &short_name, "").await;
    let _: () = app
        .call_ok(
            &creator,
            "update_profile",
            &[
                ("display_name", short_name.as_str()),
                ("bio", all.as_str()),
                ("instagram", "12k"),
            ],
        )
        .await;
    let merch: i64 = app
        .call_ok(
            &creator,
            "save_product",
            &[
                ("title", all.as_str()),
                ("description", all.as_str()),
                ("price", "20"),
                ("shipping", "2"),
                ("variant_names[]", TEXTAREA),
                ("variant_stocks[]", "10"),
                ("variant_names[]", ATTRIBUTE),
                ("variant_stocks[]", "10"),
            ],
        )
        .await;
    let merch_s = merch.to_string();
    let _: () = app
        .call_ok(
            &creator,
            "shelf",
            &[("product", merch_s.as_str()), ("action", "publish")],
        )
        .await;
    let event: i64 = app
        .call_ok(
            &creator,
            "schedule_event",
            &event_form(&[("title", all.as_str()), ("description", all.as_str())]),
        )
        .await;
    let event_s = event.to_string();

    // A brand: hostile company name and description; a `javascript:` website is refused.
    let brand = sign_up_as(&app, "brand", "evil_brand", "Brand Person", &company).await;
    for website in [
        URL,
        "JavaScript:alert(4)",
        " javascript://example.com/%0Aalert(4)",
        "data:text/html,<script>alert(4)</script>",
        "vbscript:msgbox(4)",
    ] {
        let e = app
            .call_err(
                &brand,
                "update_brand",
                &[
                    ("company_name", company.as_str()),
                    ("slug", "evil-brand"),
                    ("website", website),
                    ("description", all.as_str()),
                ],
            )
            .await;
        assert_eq!(field_of(e), "website", "{website}");
    }
    let _: () = app
        .call_ok(
            &brand,
            "update_brand",
            &[
                ("company_name", company.as_str()),
                ("slug", "evil-brand"),
                ("website", "https://example.com/?q=\"><svg onload=alert(3)>"),
                ("description", all.as_str()),
            ],
        )
        .await;
    let brand_product: i64 = app
        .call_ok(
            &brand,
            "save_product",
            &[
                ("title", all.as_str()),
                ("description", all.as_str()),
                ("price", "30"),
                ("commission", "15"),
                ("variant_names[]", SCRIPT),
                ("variant_stocks[]", "10"),
            ],
        )
        .await;
    let brand_product_s = brand_product.to_string();
    let _: () = app
        .call_ok(
            &creator,
            "promote",
            &[
                ("product", brand_product_s.as_str()),
                ("clawback_understood", "yes"),
            ],
        )
        .await;

    // A published campaign, and the creator's application to it.
    let (starts, ends, due) = (day(1), day(30), day(14));
    let campaign: i64 = app
        .call_ok(
            &brand,
            "create_campaign",
            &[
                ("title", all.as_str()),
                ("brief", all.as_str()),
                ("free_product", all.as_str()),
                ("budget", "500"),
                ("creators_wanted", "3"),
                ("starts_on", starts.as_str()),
                ("ends_on", ends.as_str()),
                ("count_post", "1"),
                ("network_post", "instagram"),
            ],
        )
        .await;
    let campaign_s = campaign.to_string();
    let _: Value = app
        .call_ok(
            &brand,
            "change_campaign",
            &[("id", campaign_s.as_str()), ("action", "publish")],
        )
        .await;
    let applied: i64 = app
        .call_ok(
            &creator,
            "apply_to_campaign",
            &[
                ("campaign", campaign_s.as_str()),
                ("amount", "120"),
                ("deliverables", all.as_str()),
                ("due_on", due.as_str()),
                ("message", all.as_str()),
            ],
        )
        .await;

    // A direct offer, a message in its thread, and a counter-offer.
    let deal: i64 = app
        .call_ok(
            &brand,
            "offer_deal",
            &[
                ("handle", "evil_host"),
                ("amount", "150"),
                ("deliverables", all.as_str()),
                ("due_on", due.as_str()),
                ("message", all.as_str()),
            ],
        )
        .await;
    let deal_s = deal.to_string();
    let _: () = app
        .call_ok(
            &brand,
            "deal_message",
            &[("id", deal_s.as_str()), ("body", all.as_str())],
        )
        .await;
    let _: Value = app
        .call_ok(
            &creator,
            "deal_step",
            &[
                ("id", deal_s.as_str()),
                ("step", "counter"),
                ("amount", "180"),
                ("deliverables", all.as_str()),
                ("due_on", due.as_str()),
                ("body", all.as_str()),
            ],
        )
        .await;

    // A fan with a hostile name chats, donates with a message, and buys with a hostile address.
    let fan = sign_up_as(&app, "fan", "evil_fan", &short_name, "").await;
    let fan_id = app.me(&fan).await.unwrap().id;
    top_up(&db, fan_id, 10_000).await;
    let _: i64 = app
        .call_ok(
            &fan,
            "send_chat",
            &[("id", event_s.as_str()), ("text", all.as_str())],
        )
        .await;
    let _: Value = app
        .call_ok(
            &fan,
            "donate",
            &[
                ("id", event_s.as_str()),
                ("amount", "5"),
                ("message", all.as_str()),
                ("key", "hostile-donation"),
            ],
        )
        .await;
    let product: Value = app
        .call_ok(&fan, "product", &[("id", merch_s.as_str())])
        .await;
    let variant = product["product"]["variants"][0]["id"].as_i64().unwrap();
    let variant_s = variant.to_string();
    let _: () = app
        .call_ok(
            &fan,
            "add_to_cart",
            &[
                ("variant", variant_s.as_str()),
                ("quantity", "1"),
                ("shop", "evil_host"),
            ],
        )
        .await;
    let next: String = app
        .call_ok(
            &fan,
            "checkout",
            &[
                ("total", "2200"),
                ("ship_name", all.as_str()),
                ("ship_address", all.as_str()),
                ("pay_with", "wallet"),
            ],
        )
        .await;
    let checkout = next.trim_start_matches("/checkout/").to_owned();
    let view: Value = app
        .call_ok(&fan, "get_checkout", &[("id", checkout.as_str())])
        .await;
    let order = view["orders"][0]["id"].as_str().unwrap().to_owned();
    let _: () = app
        .call_ok(
            &creator,
            "ship_order",
            &[
                ("id", order.as_str()),
                ("carrier", SCRIPT),
                ("tracking", ATTRIBUTE),
            ],
        )
        .await;

    // What everyone sees. Each page must show the payload (as text) and run none of it.
    let anonymous = app.client();
    let public = [
        "/@evil_host".to_owned(),
        "/@evil_host/shop".to_owned(),
        // The shop is micro-cached: the second visit is served from the cache.
        "/@evil_host/shop".to_owned(),
        format!("/@evil_host/shop/{merch}"),
        format!("/@evil_host/shop/{brand_product}"),
        format!("/products/{merch}"),
        format!("/products/{brand_product}"),
        "/brands/evil-brand".to_owned(),
        "/campaigns".to_owned(),
        format!("/campaigns/{campaign}"),
        "/live".to_owned(),
        format!("/live/{event}"),
        format!("/@evil_host/live/{event}"),
        "/".to_owned(),
        "/discover".to_owned(),
    ];
    for path in &public {
        inert_page(&app, &anonymous, path, "a visitor").await;
        inert_page(&app, &fan, path, "the fan").await;
    }
    let creator_pages = [
        "/shop/manage".to_owned(),
        format!("/products/{merch}/edit"),
        "/catalogue".to_owned(),
        format!("/deals/{deal}"),
        format!("/deals/{applied}"),
        "/deals".to_owned(),
        "/orders".to_owned(),
        format!("/orders/{order}"),
        "/shop/report".to_owned(),
        format!("/live/{event}"),
        format!("/live/{event}/studio"),
        "/dashboard".to_owned(),
        "/settings".to_owned(),
        "/notifications".to_owned(),
        "/earnings".to_owned(),
    ];
    for path in public.iter().chain(&creator_pages) {
        inert_page(&app, &creator, path, "the creator").await;
    }
    let brand_pages = [
        "/brands/evil-brand".to_owned(),
        "/brand/campaigns".to_owned(),
        "/brand/products".to_owned(),
        format!("/products/{brand_product}/edit"),
        format!("/campaigns/{campaign}"),
        format!("/deals/{deal}"),
        format!("/deals/{applied}"),
        "/deals".to_owned(),
        "/orders".to_owned(),
        "/settings".to_owned(),
        "/notifications".to_owned(),
        "/dashboard".to_owned(),
    ];
    for path in &brand_pages {
        inert_page(&app, &brand, path, "the brand").await;
    }
    let fan_pages = [
        format!("/checkout/{checkout}"),
        format!("/orders/{order}"),
        "/orders".to_owned(),
        "/cart".to_owned(),
        "/wallet".to_owned(),
        "/notifications".to_owned(),
        "/settings".to_owned(),
    ];
    for path in &fan_pages {
        inert_page(&app, &fan, path, "the fan").await;
    }

    // The head shows the hostile names and titles as text.
    for (path, wanted) in [
        ("/@evil_host".to_owned(), short_name.as_str()),
        ("/@evil_host/shop".to_owned(), short_name.as_str()),
        (format!("/products/{merch}"), all.as_str()),
        (format!("/@evil_host/shop/{merch}"), all.as_str()),
        (format!("/products/{brand_product}"), all.as_str()),
        ("/brands/evil-brand".to_owned(), company.as_str()),
        (format!("/campaigns/{campaign}"), all.as_str()),
        (format!("/live/{event}"), all.as_str()),
        (format!("/@evil_host/live/{event}"), all.as_str()),
    ] {
        let html = html_page(&app, &anonymous, &path).await;
        let title = title_of(&html, &path);
        assert!(title.contains(wanted), "{path}: the title {title:?}");
    }
    // The edit page's text area holds the stored description, escaped.
    let edit = html_page(&app, &creator, &format!("/products/{merch}/edit")).await;
    let areas = contents_of(&edit, "textarea", "edit");
    assert!(
        areas.iter().any(|a| a.contains("&lt;/textarea&gt;")
            && a.contains("alert(2)")
            && a.contains("javascript:alert(4)")),
        "the description is in its text area: {areas:?}"
    );
    // The bio reaches the profile's `<meta name="description">` as an attribute value.
    let profile = html_page(&app, &anonymous, "/@evil_host").await;
    assert!(profile.contains("alert(3)"), "the bio is shown");
}

#[tokio::test]
async fn a_link_never_fills_in_a_form_and_a_refused_post_comes_back_inert() {
    let app = spawn_app().await;
    let creator = sign_up_as(&app, "creator", "link_host", "Host", "").await;
    let event: i64 = app
        .call_ok(&creator, "schedule_event", &event_form(&[]))
        .await;
    let fan = sign_up_as(&app, "fan", "link_fan", "Fan", "").await;

    for (who, path) in [
        (
            &fan,
            format!("/live/{event}?v.message=%3C%2Ftextarea%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"),
        ),
        (
            &fan,
            format!("/live/{event}?v.message=planted-by-a-link&v.amount=500&form_error=planted-error"),
        ),
        (
            &creator,
            "/earnings?v.iban=FR7630006000011234567890189&v.holder=planted-by-a-link&form_error=planted-error"
                .to_owned(),
        ),
        (
            &fan,
            "/cart?v.ship_address=planted-by-a-link&v.ship_name=planted-by-a-link".to_owned(),
        ),
        (&app.client(), "/login?v.email=planted-by-a-link%40example.test".to_owned()),
        (
            &creator,
            "/shop/manage?v.description=%3C%2Ftextarea%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"
                .to_owned(),
        ),
        (
            &creator,
            "/live/new?v.description=%3C%2Ftextarea%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"
                .to_owned(),
        ),
    ] {
        let html = inert_page(&app, who, &path, "a signed-in person").await;
        // The language switch links back to the page, URL and all: a link, not a form value.
        let shown = without_links(&html);
        for planted in [
            "planted",
            "FR7630006000011234567890189",
            "FR76 3000",
            "alert(1)",
        ] {
            assert!(!shown.contains(planted), "{path} shows {planted:?}");
        }
    }

    // A plain form post refused (a title too short) comes back with what was typed, inert.
    let refused = creator
        .post(app.url("/api/save_product"))
        .header("accept", "text/html")
        .header("referer", app.url("/shop/manage"))
        .form(&[
            ("title", "x"),
            ("description", all().as_str()),
            ("price", "20"),
            ("variant_names[]", TEXTAREA),
            ("variant_stocks[]", "3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::SEE_OTHER);
    let html = html_page(&app, &creator, "/shop/manage").await;
    assert_inert(&html, "/shop/manage after a refused post");
    assert!(html.contains("alert(2)"), "the typed description came back");
}

// Malformed calls: every server function, every kind of caller, a few generic bad bodies.

/// The function takes arguments without a default: a call without them, or with values of the
/// wrong type, must be refused.
const REQUIRED: bool = true;
/// Every argument has a default (or there is none): a bad body may be ignored, never a 5xx.
const OPTIONAL: bool = false;

/// Every server function (`#[server(prefix = "/api", endpoint = ...)]` in app/src), its
/// arguments as a form names them, and whether some are required.
const FUNCTIONS: &[(&str, &[&str], bool)] = &[
    ("me", &[], OPTIONAL),
    (
        "signup",
        &[
            "role",
            "email",
            "display_name",
            "handle",
            "password",
            "company_name",
            "slug",
        ],
        REQUIRED,
    ),
    ("login", &["email", "password"], REQUIRED),
    ("logout", &[], OPTIONAL),
    (
        "change_password",
        &["current", "new_password", "confirm"],
        REQUIRED,
    ),
    ("request_reset", &["email"], REQUIRED),
    ("request_login_link", &["email"], REQUIRED),
    ("login_with_link", &["token"], REQUIRED),
    ("confirm_email", &["token"], REQUIRED),
    ("resend_confirmation", &[], OPTIONAL),
    (
        "reset_password",
        &["token", "password", "confirm"],
        REQUIRED,
    ),
    ("profile", &["handle"], REQUIRED),
    ("brand", &["slug"], REQUIRED),
    ("settings", &[], OPTIONAL),
    (
        "update_profile",
        &[
            "display_name",
            "bio",
            "niches[]",
            "instagram",
            "tiktok",
            "youtube",
            "twitch",
            "x",
        ],
        REQUIRED,
    ),
    (
        "update_brand",
        &["company_name", "slug", "website", "description"],
        REQUIRED,
    ),
    ("become_creator", &[], OPTIONAL),
    ("follow", &["handle", "follow"], REQUIRED),
    ("featured", &["count"], REQUIRED),
    (
        "create_campaign",
        &[
            "title",
            "brief",
            "niches[]",
            "min_audience",
            "max_audience",
            "budget",
            "creators_wanted",
            "starts_on",
            "ends_on",
            "free_product",
            "count_post",
            "network_post",
            "count_story",
            "network_story",
            "count_short_video",
            "network_short_video",
            "count_live_mention",
            "network_live_mention",
        ],
        OPTIONAL,
    ),
    ("change_campaign", &["id", "action"], REQUIRED),
    ("my_campaigns", &[], OPTIONAL),
    ("campaigns", &[], OPTIONAL),
    ("campaign", &["id"], REQUIRED),
    (
        "offer_deal",
        &["handle", "amount", "deliverables", "due_on", "message"],
        OPTIONAL,
    ),
    (
        "apply_to_campaign",
        &["campaign", "amount", "deliverables", "due_on", "message"],
        REQUIRED,
    ),
    (
        "deal_step",
        &["id", "step", "amount", "deliverables", "due_on", "body"],
        REQUIRED,
    ),
    ("fund_deal_by_card", &["id"], REQUIRED),
    ("deal_message", &["id", "body"], REQUIRED),
    ("rate_deal", &["id", "stars", "comment"], REQUIRED),
    ("reputation", &["handle", "brand"], REQUIRED),
    ("deal", &["id"], REQUIRED),
    ("deals", &[], OPTIONAL),
    ("deal_dashboard", &[], OPTIONAL),
    ("disputed_deals", &[], OPTIONAL),
    ("settle_dispute", &["id", "how"], REQUIRED),
    ("statement", &["from", "to"], OPTIONAL),
    (
        "request_payout",
        &["amount", "iban", "holder", "key"],
        REQUIRED,
    ),
    ("operator_payouts", &["state"], OPTIONAL),
    ("send_payout", &["id"], REQUIRED),
    ("settle_payout", &["id", "outcome", "reason"], REQUIRED),
    (
        "schedule_event",
        &[
            "title",
            "description",
            "starts_at",
            "planned_minutes",
            "donation_min",
            "donation_message_max",
            "slot_count",
            "slot_secs",
            "slot_price",
            "slot_purpose",
            "slots_per_fan",
            "cancel_cutoff_hours",
            "no_show_secs",
        ],
        OPTIONAL,
    ),
    (
        "update_offers",
        &[
            "id",
            "donation_min",
            "donation_message_max",
            "slot_count",
            "slot_secs",
            "slot_price",
            "slot_purpose",
            "slots_per_fan",
            "cancel_cutoff_hours",
            "no_show_secs",
        ],
        REQUIRED,
    ),
    ("get_event", &["id"], REQUIRED),
    ("list_events", &["handle"], OPTIONAL),
    ("remind_me", &["id", "on"], REQUIRED),
    ("book_slot", &["id", "key", "price"], REQUIRED),
    ("top_up_to_book", &["id"], REQUIRED),
    ("take_slot_step", &["id", "step"], REQUIRED),
    ("move_slot", &["id", "up"], REQUIRED),
    ("run_event", &["id", "step"], REQUIRED),
    ("get_studio", &["id"], REQUIRED),
    ("merch_choices", &["id"], REQUIRED),
    ("pin_merch", &["id", "product", "on"], REQUIRED),
    (
        "buy_merch",
        &["id", "variant", "total", "ship_name", "ship_address"],
        REQUIRED,
    ),
    ("get_room", &["id"], REQUIRED),
    ("send_chat", &["id", "text"], REQUIRED),
    ("donate", &["id", "amount", "message", "key"], REQUIRED),
    ("send_gift", &["id", "gift", "price", "key"], REQUIRED),
    ("delete_message", &["id", "seq"], REQUIRED),
    ("moderate", &["id", "seq", "sanction"], REQUIRED),
    (
        "set_room_rules",
        &["id", "slow_mode_secs", "blocked_words", "moderators"],
        REQUIRED,
    ),
    ("set_gifts", &["id", "on[]", "prices[]"], REQUIRED),
    ("video_endpoints", &[], OPTIONAL),
    ("get_publishing", &["id"], REQUIRED),
    ("new_stream_key", &["id"], REQUIRED),
    ("get_stage_token", &["slot"], REQUIRED),
    // A lookup: a name nobody has answers `null`.
    ("market_profile", &["handle"], OPTIONAL),
    ("market_settings", &[], OPTIONAL),
    (
        "save_market_profile",
        &[
            "language",
            "country",
            "availability",
            "rate_post",
            "rate_story",
            "rate_short_video",
            "rate_live_mention",
            "engagement_instagram",
            "engagement_tiktok",
            "engagement_youtube",
            "engagement_twitch",
            "engagement_x",
        ],
        OPTIONAL,
    ),
    (
        "search_creators",
        &["form[niche]", "form[min_followers]", "form[page]"],
        OPTIONAL,
    ),
    ("unread_notifications", &[], OPTIONAL),
    ("notifications", &[], OPTIONAL),
    ("cart", &[], OPTIONAL),
    ("add_to_cart", &["variant", "quantity", "shop"], REQUIRED),
    ("update_cart", &["variant", "quantity"], REQUIRED),
    (
        "checkout",
        &["total", "ship_name", "ship_address", "pay_with", "email"],
        OPTIONAL,
    ),
    ("pay_checkout", &["id"], REQUIRED),
    ("get_checkout", &["id"], REQUIRED),
    ("order", &["id"], REQUIRED),
    ("orders", &[], OPTIONAL),
    ("ship_order", &["id", "carrier", "tracking"], REQUIRED),
    ("order_delivered", &["id"], REQUIRED),
    ("shop_report", &[], OPTIONAL),
    ("refund_order", &["id", "amount"], REQUIRED),
    ("shop", &["handle"], REQUIRED),
    ("shop_product", &["handle", "id"], REQUIRED),
    ("product", &["id"], REQUIRED),
    (
        "save_product",
        &[
            "id",
            "title",
            "description",
            "price",
            "shipping",
            "commission",
            "variant_names[]",
            "variant_stocks[]",
        ],
        OPTIONAL,
    ),
    ("product_on_sale", &["id", "on_sale"], REQUIRED),
    ("my_product", &["id"], REQUIRED),
    ("shop_desk", &[], OPTIONAL),
    ("shelf", &["product", "action"], REQUIRED),
    ("catalogue", &[], OPTIONAL),
    ("promote", &["product", "clawback_understood"], REQUIRED),
    ("brand_products", &[], OPTIONAL),
    ("wallet", &["kind", "from", "to"], OPTIONAL),
    ("top_up", &["amount"], REQUIRED),
    ("receipt", &["id"], REQUIRED),
];

/// Functions known to answer 5xx to a malformed call, skipped until fixed (each with the
/// request that triggers it, in the report of issue 21). Empty: the sweep found none (the one
/// 5xx found elsewhere, a plain form post with a large answer, has its own ignored test below).
const KNOWN_5XX: &[&str] = &[];

/// A form-encoded body giving each of `names` the value `raw` (already encoded).
fn body_with<S: AsRef<str>>(names: &[S], raw: &str) -> String {
    names
        .iter()
        .map(|n| format!("{}={raw}", urlencode(n.as_ref())))
        .collect::<Vec<_>>()
        .join("&")
}

/// `names`, each followed by `suffix`.
fn suffixed(names: &[&str], suffix: &str) -> Vec<String> {
    names.iter().map(|n| format!("{n}{suffix}")).collect()
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The bad bodies sent to a function taking `names`: (what it is, the raw body).
fn bad_bodies(names: &[&str]) -> Vec<(&'static str, String)> {
    let huge_text = "a".repeat(100 * 1024);
    let huge_markup = urlencode(&all()).repeat(100 * 1024 / all().len());
    let mut bodies = vec![
        ("missing", String::new()),
        ("empty values", body_with(names, "")),
        ("letters", body_with(names, "abc")),
        ("a huge number", body_with(names, "99999999999999999999")),
        ("a negative number", body_with(names, "-1")),
        ("a float", body_with(names, "1e309")),
        ("NaN", body_with(names, "NaN")),
        ("invalid UTF-8", body_with(names, "%ff%fe%80")),
        ("a NUL byte", body_with(names, "a%00b")),
        ("a broken escape", body_with(names, "%zz%")),
        ("100 KB", body_with(names, &huge_text)),
        ("100 KB of markup", body_with(names, &huge_markup)),
        ("garbage", "%zz=%&&==&[]=&a[=1&]=2".to_owned()),
        ("arrays", body_with(&suffixed(names, "[]"), "1")),
        ("nested", body_with(&suffixed(names, "[a][b]"), "1")),
        ("deep nesting", format!("a{}=1", "[a]".repeat(2_000))),
        (
            "a huge index",
            body_with(&suffixed(names, "[999999999999]"), "1"),
        ),
    ];
    // The same argument twice, with two types.
    let twice: Vec<String> = names.iter().map(|n| format!("{n}=1&{n}=abc")).collect();
    bodies.push(("twice", twice.join("&")));
    bodies
}

#[tokio::test]
async fn every_server_function_refuses_malformed_calls_with_4xx_and_the_server_stays_healthy() {
    let app = spawn_app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    // Something for the ids to find: an event, a product, a campaign, a deal, a wallet.
    let creator = sign_up_as(&app, "creator", "bad_host", "Host", "").await;
    let brand = sign_up_as(&app, "brand", "bad_brand", "Brand", "Bad Brand").await;
    let fan = sign_up_as(&app, "fan", "bad_fan", "Fan", "").await;
    let _: i64 = app
        .call_ok(&creator, "schedule_event", &event_form(&[]))
        .await;
    let fan_id = app.me(&fan).await.unwrap().id;
    top_up(&db, fan_id, 10_000).await;
    let callers = [
        ("nobody", app.client()),
        ("a fan", fan),
        ("a creator", creator),
        ("a brand", brand),
    ];

    let mut failures = Vec::new();
    let mut calls = 0;
    for (function, names, required) in FUNCTIONS {
        if KNOWN_5XX.contains(function) {
            continue;
        }
        for (kind, body) in bad_bodies(names) {
            for (who, client) in &callers {
                // Logging out would leave the other calls anonymous.
                if *function == "logout" && *who != "nobody" {
                    continue;
                }
                let response = client
                    .post(app.url(&format!("/api/{function}")))
                    .header("accept", "application/json")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body.clone())
                    .send()
                    .await;
                calls += 1;
                let status = match response {
                    Ok(r) => r.status(),
                    Err(e) => {
                        failures.push(format!("{function} with {kind} by {who}: no answer: {e}"));
                        continue;
                    }
                };
                let refused = status.is_client_error();
                let ignored = !*required && (status.is_success() || status.is_redirection());
                if !(refused || ignored) {
                    failures.push(format!("{function} with {kind} by {who}: {status}"));
                }
            }
        }
    }
    assert!(calls > 1_000, "{calls} calls");
    assert!(
        failures.is_empty(),
        "{} of {calls} calls went wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let health = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

/// Known 5xx (issue 21 report): a plain form post (`Accept: text/html`) to a server function
/// whose answer is larger than 64 KiB gets 500 with an empty body: `server::forms::keep_errors`
/// reads the response back with `to_bytes(body, MAX_FORM)` and fails past the limit. Here the
/// brand catalogue of 25 products with long descriptions (about 105 KB of JSON).
#[tokio::test]
async fn a_plain_form_post_with_a_large_answer_is_not_a_server_error() {
    let app = spawn_app().await;
    let brand = sign_up_as(&app, "brand", "big_brand", "Brand", "Big Brand").await;
    let creator = sign_up_as(&app, "creator", "big_reader", "Reader", "").await;
    let description = "d".repeat(3_990);
    for i in 0..25 {
        let title = format!("Product {i}");
        let _: i64 = app
            .call_ok(
                &brand,
                "save_product",
                &[
                    ("title", title.as_str()),
                    ("description", description.as_str()),
                    ("price", "20"),
                    ("commission", "15"),
                    ("variant_names[]", ""),
                    ("variant_stocks[]", "5"),
                ],
            )
            .await;
    }
    let response = creator
        .post(app.url("/api/catalogue"))
        .header("accept", "text/html")
        .header("referer", app.url("/catalogue"))
        .form(&[("", "")])
        .send()
        .await
        .unwrap();
    assert!(
        !response.status().is_server_error(),
        "POST /api/catalogue as a plain form: {}",
        response.status()
    );
}

/// Emailed-link pages take their token from the path: markup there stays inert, in the page
/// and its hidden field, and the answer is a page saying the link does not work, never a 5xx.
#[tokio::test]
async fn markup_in_an_emailed_link_is_inert() {
    let app = spawn_app().await;
    let client = app.client();
    let token = urlencode(&all());
    for path in ["/confirm/", "/login/link/", "/reset/"] {
        let url = app.url(&format!("{path}{token}"));
        let response = client.get(url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let html = response.text().await.unwrap();
        assert_inert(&html, path);
    }
    let huge = "f".repeat(8 * 1024);
    let response = client
        .get(app.url(&format!("/confirm/{huge}")))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error() || response.status().is_success());
    let err = app
        .call_err(&client, "login_with_link", &[("token", all().as_str())])
        .await;
    assert_eq!(err, AppError::invalid("token", Problem::LinkExpired));
}
