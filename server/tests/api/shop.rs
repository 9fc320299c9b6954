//! Storefronts and orders: the last items under 200 concurrent buyers, commissions held through
//! the return window and clawed back by refunds, rate protection, affiliate links, and bad input.

use std::sync::Arc;

use crate::common::{available, fresh_db, person, spawn_app, top_up};
use app::accounts::types::Role;
use app::error::{AppError, Problem};
use app::ledger::store as ledger;
use app::ledger::types::*;
use app::orders::rules::RETURN_WINDOW_SECS;
use app::orders::store::{self as orders, Address, CheckoutRequest};
use app::orders::types::{CartLine, OrderState, PayWith};
use app::ssr::{now, Db};
use app::storefront::rules::RATE_KEPT_SECS;
use app::storefront::store::{self as shelves, NewProduct};
use app::storefront::types::ShelfAction;

fn product(price: i64, commission_bp: Option<u32>, stock: i64) -> NewProduct {
    NewProduct {
        title: "Gravel tee".into(),
        description: "Organic cotton".into(),
        price: Money::eur(price),
        shipping: Money::eur(0),
        commission_bp,
        variants: vec![(String::new(), stock)],
    }
}

async fn variant_of(db: &Db, product: i64) -> i64 {
    shelves::product(db, product).await.unwrap().variants[0].id
}

/// Buys `quantity` of `variant` from the wallet, in `shop`'s shop.
async fn buy(
    db: &Db,
    buyer: i64,
    variant: i64,
    quantity: u32,
    shop: Option<i64>,
    total: i64,
) -> Result<String, AppError> {
    let lines = [CartLine {
        variant,
        quantity,
        shop,
    }];
    let request = CheckoutRequest {
        buyer,
        lines: &lines,
        click: None,
        expected_total: total,
        ship_to: Address {
            name: "Ana Fan".into(),
            address: "1 rue de la Paix, Paris".into(),
        },
        pay_with: PayWith::Wallet,
        reserve_secs: 900,
        event: None,
    };
    orders::checkout(db, &request, now()).await
}

async fn order_id(db: &Db, checkout: &str, buyer: i64) -> String {
    orders::checkout_view(db, checkout, buyer)
        .await
        .unwrap()
        .orders[0]
        .id
        .clone()
}

async fn sound(db: &Db) {
    let report = ledger::verify(db).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[tokio::test]
async fn two_hundred_buyers_for_five_left_make_five_orders_and_195_sold_out() {
    let (_dir, db) = fresh_db().await;
    let creator = person(&db, "maker", Role::Creator).await;
    let id = shelves::create(&db, creator, &product(2_500, None, 5), now())
        .await
        .unwrap();
    shelves::shelf(&db, creator, id, ShelfAction::Publish)
        .await
        .unwrap();
    let variant = variant_of(&db, id).await;
    let mut buyers = Vec::new();
    for i in 0..200 {
        let fan = person(&db, &format!("fan{i}"), Role::Fan).await;
        top_up(&db, fan, 5_000).await;
        buyers.push(fan);
    }
    let db = Arc::new(db);
    let tasks: Vec<_> = buyers
        .iter()
        .map(|&fan| {
            let db = db.clone();
            tokio::spawn(async move { buy(&db, fan, variant, 1, Some(creator), 2_500).await })
        })
        .collect();
    let (mut bought, mut sold_out) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => bought += 1,
            Err(AppError::Invalid {
                problem: Problem::SoldOut,
                ..
            }) => sold_out += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((bought, sold_out), (5, 195));
    assert_eq!(
        shelves::product(&db, id).await.unwrap().variants[0].stock,
        0
    );
    let paid: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE state = 'paid'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(paid, 5);
    assert_eq!(
        available(&db, AccountRef::earnings(creator, Currency::Eur)).await,
        5 * 2_500
    );
    sound(&db).await;
}

/// A brand selling a 20 € product at 15 %, a creator promoting it, and a fan with 100 €.
async fn brand_creator_fan(db: &Db) -> (i64, i64, i64, i64, i64) {
    let brand = person(db, "velo", Role::Brand).await;
    let creator = person(db, "rider", Role::Creator).await;
    let fan = person(db, "fan", Role::Fan).await;
    top_up(db, fan, 10_000).await;
    let id = shelves::create(db, brand, &product(2_000, Some(1_500), 10), now())
        .await
        .unwrap();
    shelves::promote(db, creator, id, now()).await.unwrap();
    (brand, creator, fan, id, variant_of(db, id).await)
}

#[tokio::test]
async fn the_commission_is_held_through_the_return_window_then_a_refund_claws_it_back() {
    let (_dir, db) = fresh_db().await;
    let (brand, creator, fan, _, variant) = brand_creator_fan(&db).await;
    let checkout = buy(&db, fan, variant, 1, Some(creator), 2_000)
        .await
        .unwrap();
    let order = order_id(&db, &checkout, fan).await;
    let earnings = |user| AccountRef::earnings(user, Currency::Eur);
    assert_eq!(available(&db, earnings(brand)).await, 1_700);
    let creator_balance = ledger::balance(&db, earnings(creator)).await.unwrap();
    assert_eq!(
        (creator_balance.posted, creator_balance.held),
        (0, 0),
        "pending, not yet theirs"
    );
    // Their statement shows it held, with no date until the order is delivered.
    let held = orders::held_commissions(&db, creator, Currency::Eur)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((held.amount.minor, held.first_available_at), (300, None));
    assert_eq!(
        available(&db, AccountRef::wallet(fan, Currency::Eur)).await,
        8_000
    );

    orders::ship(&db, brand, &order, "La Poste", "6A123", now())
        .await
        .unwrap();
    let t = now();
    orders::deliver(&db, fan, &order, RETURN_WINDOW_SECS, t)
        .await
        .unwrap();
    let held = orders::held_commissions(&db, creator, Currency::Eur)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(held.first_available_at, Some(t + RETURN_WINDOW_SECS));
    assert_eq!(
        orders::release_due(&db, t + RETURN_WINDOW_SECS - 1)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        orders::release_due(&db, t + RETURN_WINDOW_SECS)
            .await
            .unwrap(),
        1
    );
    assert_eq!(available(&db, earnings(creator)).await, 300);
    assert_eq!(
        orders::held_commissions(&db, creator, Currency::Eur)
            .await
            .unwrap(),
        None
    );

    // A refund after the window claws back the commission that was paid.
    let state = orders::refund(&db, brand, &order, None, now())
        .await
        .unwrap();
    assert_eq!(state, OrderState::Refunded);
    assert_eq!(available(&db, earnings(creator)).await, 0);
    assert_eq!(available(&db, earnings(brand)).await, 0);
    assert_eq!(
        available(&db, AccountRef::wallet(fan, Currency::Eur)).await,
        10_000
    );
    let again = orders::refund(&db, brand, &order, Some(1), now()).await;
    assert!(
        matches!(again, Err(AppError::Invalid { .. } | AppError::Conflict(_))),
        "{again:?}"
    );
    sound(&db).await;
}

#[tokio::test]
async fn a_partial_refund_before_the_window_shrinks_the_held_commission() {
    let (_dir, db) = fresh_db().await;
    let (brand, creator, fan, _, variant) = brand_creator_fan(&db).await;
    let checkout = buy(&db, fan, variant, 2, Some(creator), 4_000)
        .await
        .unwrap();
    let order = order_id(&db, &checkout, fan).await;
    // Half of it back: half the commission (600 of 4,000) goes with it.
    let state = orders::refund(&db, brand, &order, Some(2_000), now())
        .await
        .unwrap();
    assert_eq!(state, OrderState::Paid);
    assert_eq!(
        available(&db, AccountRef::wallet(fan, Currency::Eur)).await,
        8_000
    );
    assert_eq!(
        available(&db, AccountRef::earnings(brand, Currency::Eur)).await,
        3_400 - 1_700
    );
    let too_much = orders::refund(&db, brand, &order, Some(2_001), now()).await;
    assert!(
        matches!(
            too_much,
            Err(AppError::Invalid {
                problem: Problem::AmountTooLarge { max_minor: 2_000 },
                ..
            })
        ),
        "{too_much:?}"
    );
    orders::ship(&db, brand, &order, "DHL", "JD0001", now())
        .await
        .unwrap();
    let t = now();
    orders::deliver(&db, brand, &order, 0, t).await.unwrap();
    orders::release_due(&db, t).await.unwrap();
    assert_eq!(
        available(&db, AccountRef::earnings(creator, Currency::Eur)).await,
        300
    );
    sound(&db).await;
}

#[tokio::test]
async fn a_refund_racing_the_end_of_the_return_window_gives_one_outcome() {
    let (_dir, db) = fresh_db().await;
    let (brand, creator, fan, _, variant) = brand_creator_fan(&db).await;
    top_up(&db, fan, 40_000).await;
    let db = Arc::new(db);
    for round in 0..8 {
        let checkout = buy(&db, fan, variant, 1, Some(creator), 2_000)
            .await
            .unwrap();
        let order = order_id(&db, &checkout, fan).await;
        orders::ship(&db, brand, &order, "UPS", &format!("1Z{round:04}"), now())
            .await
            .unwrap();
        let t = now();
        orders::deliver(&db, fan, &order, 0, t).await.unwrap();
        let (d1, d2) = (db.clone(), db.clone());
        let o = order.clone();
        let refund = tokio::spawn(async move { orders::refund(&d1, brand, &o, None, now()).await });
        let release = tokio::spawn(async move { orders::release_due(&d2, t).await });
        let refunded = refund.await.unwrap();
        release.await.unwrap().unwrap();
        match refunded {
            Ok(state) => assert_eq!(state, OrderState::Refunded),
            // The release came first: the refund, tried again, claws the commission back.
            Err(AppError::Conflict(_)) => {
                orders::refund(&db, brand, &order, None, now())
                    .await
                    .unwrap();
            }
            Err(e) => panic!("{e:?}"),
        }
        // Whatever the order of the two, the creator ends with nothing from a refunded sale.
        assert_eq!(
            available(&db, AccountRef::earnings(creator, Currency::Eur)).await,
            0
        );
        let held = ledger::balance(&db, AccountRef::wallet(fan, Currency::Eur))
            .await
            .unwrap()
            .held;
        assert_eq!(held, 0, "round {round}");
    }
    assert_eq!(
        available(&db, AccountRef::wallet(fan, Currency::Eur)).await,
        50_000
    );
    sound(&db).await;
}

#[tokio::test]
async fn a_lowered_rate_is_kept_for_30_days_by_those_promoting_and_a_raise_applies_at_once() {
    let (_dir, db) = fresh_db().await;
    let (brand, creator, _, id, _) = brand_creator_fan(&db).await;
    let later = person(&db, "late_rider", Role::Creator).await;
    let t = now();
    shelves::update(&db, brand, id, &product(2_000, Some(1_000), 10), t)
        .await
        .unwrap();
    shelves::promote(&db, later, id, t).await.unwrap();
    let rate = |creator, at| {
        let db = db.clone();
        async move {
            let mut conn = db.pool.acquire().await.unwrap();
            shelves::rate_for(&mut conn, creator, id, at).await.unwrap()
        }
    };
    assert_eq!(rate(creator, t + 1).await, Some(1_500));
    assert_eq!(rate(creator, t + RATE_KEPT_SECS).await, Some(1_000));
    assert_eq!(rate(later, t + 1).await, Some(1_000));
    let brand_view = shelves::brand_products(&db, brand, t + 1).await.unwrap();
    let kept: Vec<_> = brand_view[0]
        .promoters
        .iter()
        .map(|p| (p.handle.as_str(), p.bp, p.kept_until.is_some()))
        .collect();
    assert_eq!(
        kept,
        vec![("late_rider", 1_000, false), ("rider", 1_500, true)]
    );
    shelves::update(&db, brand, id, &product(2_000, Some(2_000), 10), t + 2)
        .await
        .unwrap();
    assert_eq!(rate(creator, t + 3).await, Some(2_000));
    assert_eq!(rate(later, t + 3).await, Some(2_000));
}

/// The field an error is about, or a panic.
fn field_of(e: AppError) -> (String, Problem) {
    match e {
        AppError::Invalid { field, problem } => (field, problem),
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_fan_follows_a_creators_link_buys_by_card_and_every_bad_input_is_refused() {
    use app::orders::types::{Cart, Checkout, Order, OrderRole};
    use app::storefront::types::Desk;
    let app = spawn_app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let (brand, creator, fan, outsider) = (app.client(), app.client(), app.client(), app.client());
    app.sign_up(&brand, "brand", "velo_shop").await;
    app.sign_up(&creator, "creator", "rider_shop").await;
    app.sign_up(&fan, "fan", "fan_shop").await;
    app.sign_up(&outsider, "fan", "nosy_shop").await;

    let form = |price: &'static str, commission: &'static str, stock: &'static str| {
        vec![
            ("title", "Gravel jersey"),
            ("description", "Merino"),
            ("price", price),
            ("shipping", "4.90"),
            ("commission", commission),
            ("variant_names[]", "S"),
            ("variant_stocks[]", stock),
            ("variant_names[]", "M"),
            ("variant_stocks[]", "10"),
        ]
    };
    for (bad, wanted) in [
        (form("-5", "15", "3"), "price"),
        (form("60", "81", "3"), "commission"),
        (form("60", "-1", "3"), "commission"),
        (form("60", "15", "-1"), "variant_stock_0"),
    ] {
        let (field, _) = field_of(app.call_err(&brand, "save_product", &bad).await);
        assert_eq!(field, wanted);
    }
    assert_eq!(
        app.call_err(&fan, "save_product", &form("60", "15", "3"))
            .await,
        AppError::Forbidden
    );
    let product: i64 = app
        .call_ok(&brand, "save_product", &form("60", "15", "3"))
        .await;
    let id = product.to_string();

    // The creator must acknowledge the clawback rule before promoting.
    let (field, _) = field_of(
        app.call_err(&creator, "promote", &[("product", id.as_str())])
            .await,
    );
    assert_eq!(field, "clawback_understood");
    assert_eq!(
        app.call_err(
            &fan,
            "promote",
            &[("product", id.as_str()), ("clawback_understood", "yes")]
        )
        .await,
        AppError::Forbidden
    );
    let _: () = app
        .call_ok(
            &creator,
            "promote",
            &[("product", id.as_str()), ("clawback_understood", "yes")],
        )
        .await;
    let desk: Desk = app.call_ok(&creator, "shop_desk", &[]).await;
    let link = desk.items[0]
        .link
        .strip_prefix(&app.url(""))
        .unwrap()
        .to_owned();

    // The fan follows the link (twice: one click a day), then shops on the product's own page.
    for _ in 0..2 {
        let followed = fan.get(app.url(&link)).send().await.unwrap();
        assert_eq!(followed.status(), reqwest::StatusCode::SEE_OTHER);
        assert_eq!(
            followed.headers()["location"],
            format!("/@rider_shop/shop/{id}").as_str()
        );
    }
    let clicks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM link_clicks")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(clicks, 1);
    assert_eq!(
        fan.get(app.url("/r/nope")).send().await.unwrap().status(),
        reqwest::StatusCode::NOT_FOUND
    );

    let small = shelves::product(&db, product).await.unwrap().variants[0]
        .id
        .to_string();
    let (field, problem) = field_of(
        app.call_err(
            &fan,
            "add_to_cart",
            &[("variant", small.as_str()), ("quantity", "4")],
        )
        .await,
    );
    assert_eq!(
        (field.as_str(), problem),
        ("quantity", Problem::NotEnoughStock { left: 3 })
    );
    let (field, _) = field_of(
        app.call_err(
            &fan,
            "add_to_cart",
            &[("variant", small.as_str()), ("quantity", "-1")],
        )
        .await,
    );
    assert_eq!(field, "quantity");
    let _: () = app
        .call_ok(
            &fan,
            "add_to_cart",
            &[("variant", small.as_str()), ("quantity", "2")],
        )
        .await;
    let cart: Cart = app.call_ok(&fan, "cart", &[]).await;
    assert_eq!(cart.total, Money::eur(2 * 6_000 + 490));

    let checkout = |total: i64, pay_with: &'static str| {
        let total = total.to_string();
        let app = &app;
        let fan = &fan;
        async move {
            let form = [
                ("total", total.as_str()),
                ("ship_name", "Ana Fan"),
                ("ship_address", "1 rue de la Paix, 75002 Paris"),
                ("pay_with", pay_with),
            ];
            app.call(fan, "checkout", &form).await
        }
    };
    // A total that is not the one the server computes (a price edited in the page) moves nothing.
    let tampered: AppError = checkout(1, "card").await.json().await.unwrap();
    assert_eq!(field_of(tampered), ("total".into(), Problem::PriceChanged));
    // The wallet is empty: paying from it is refused, and nothing stays reserved.
    let short: AppError = checkout(cart.total.minor, "wallet")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(field_of(short), ("pay".into(), Problem::InsufficientFunds));
    assert_eq!(
        shelves::product(&db, product).await.unwrap().variants[0].stock,
        3
    );

    let url: String = checkout(cart.total.minor, "card")
        .await
        .json()
        .await
        .unwrap();
    let processor = url.strip_prefix(&app.url("")).unwrap().to_owned();
    assert_eq!(
        shelves::product(&db, product).await.unwrap().variants[0].stock,
        1,
        "reserved"
    );
    let paid = app.pay(&fan, &processor, "4242 4242 4242 4242").await;
    let back = paid.headers()["location"].to_str().unwrap().to_owned();
    let checkout_id = back.rsplit('/').next().unwrap().to_owned();
    let done: Checkout = app
        .call_ok(&fan, "get_checkout", &[("id", checkout_id.as_str())])
        .await;
    assert_eq!(done.orders.len(), 1);
    let order = &done.orders[0];
    assert_eq!(order.state, OrderState::Paid);
    assert_eq!(
        order.creator.as_deref(),
        Some("rider_shop"),
        "the link's creator brought it"
    );
    assert_eq!(order.commission, Money::eur(1_800));
    assert_eq!(
        available(
            &db,
            AccountRef::earnings(app_user(&db, "velo_shop").await, Currency::Eur)
        )
        .await,
        12_490 - 1_800
    );
    let cart: Cart = app.call_ok(&fan, "cart", &[]).await;
    assert!(cart.items.is_empty());

    // Who sees the order, and who may act on it.
    assert_eq!(
        app.call_err(&outsider, "order", &[("id", order.id.as_str())])
            .await,
        AppError::NotFound
    );
    let seen: Order = app
        .call_ok(&creator, "order", &[("id", order.id.as_str())])
        .await;
    assert_eq!(
        (seen.viewer, seen.ship_address.is_none()),
        (OrderRole::Creator, true)
    );
    assert_eq!(
        app.call_err(
            &fan,
            "ship_order",
            &[
                ("id", order.id.as_str()),
                ("carrier", "UPS"),
                ("tracking", "1Z999")
            ]
        )
        .await,
        AppError::Forbidden
    );
    let too_much = app
        .call_err(
            &brand,
            "refund_order",
            &[("id", order.id.as_str()), ("amount", "200")],
        )
        .await;
    assert_eq!(
        field_of(too_much),
        (
            "amount".into(),
            Problem::AmountTooLarge { max_minor: 12_490 }
        )
    );
    let _: () = app
        .call_ok(
            &brand,
            "ship_order",
            &[
                ("id", order.id.as_str()),
                ("carrier", "UPS"),
                ("tracking", "1Z999"),
            ],
        )
        .await;
    let _: () = app
        .call_ok(&fan, "order_delivered", &[("id", order.id.as_str())])
        .await;
    let _: OrderState = app
        .call_ok(&brand, "refund_order", &[("id", order.id.as_str())])
        .await;
    assert_eq!(
        available(
            &db,
            AccountRef::earnings(app_user(&db, "rider_shop").await, Currency::Eur)
        )
        .await,
        0
    );
    // The buyer heard of each step by mail.
    app::notifications::mail::send_pending(&app.state(&db), now())
        .await
        .unwrap();
    let mails = app.mails_to("fan_shop@example.test");
    let order_mails = mails.iter().filter(|m| m.contains("/orders/")).count();
    assert!(order_mails >= 3, "{mails:?}");
    sound(&db).await;
}

async fn app_user(db: &Db, handle: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE handle = $1")
        .bind(handle)
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn reports_count_clicks_orders_and_commission_by_link_and_product_and_export_them() {
    use app::orders::types::ShopReport;
    use app::storefront::types::Desk;
    let app = spawn_app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let (brand, creator) = (app.client(), app.client());
    app.sign_up(&brand, "brand", "report_brand").await;
    app.sign_up(&creator, "creator", "report_creator").await;
    let save = |client: &reqwest::Client,
                title: &'static str,
                price: &'static str,
                commission: &'static str| {
        let client = client.clone();
        let app = &app;
        async move {
            let form = [
                ("title", title),
                ("price", price),
                ("commission", commission),
                ("variant_names[]", ""),
                ("variant_stocks[]", "20"),
            ];
            app.call_ok::<i64>(&client, "save_product", &form).await
        }
    };
    let sold = save(&brand, "Saddle bag", "20", "15").await.to_string();
    let merch = save(&creator, "Sticker pack", "10", "").await.to_string();
    let _: () = app
        .call_ok(
            &creator,
            "promote",
            &[("product", sold.as_str()), ("clawback_understood", "yes")],
        )
        .await;
    let _: () = app
        .call_ok(
            &creator,
            "shelf",
            &[("product", merch.as_str()), ("action", "publish")],
        )
        .await;
    let desk: Desk = app.call_ok(&creator, "shop_desk", &[]).await;
    let path = |link: &str| link.strip_prefix(&app.url("")).unwrap().to_owned();
    let product_link = path(
        &desk
            .items
            .iter()
            .find(|i| i.product.title == "Saddle bag")
            .unwrap()
            .link,
    );
    let shop_link = path(&desk.shop_link);

    // One fan follows the product link and buys; another follows the shop link and does not;
    // a third buys the creator's own merch without any link.
    let buy = |handle: &'static str, link: Option<String>, product: String, total: &'static str| {
        let app = &app;
        let db = &db;
        async move {
            let fan = app.client();
            app.sign_up(&fan, "fan", handle).await;
            top_up(db, app_user(db, handle).await, 10_000).await;
            if let Some(link) = link {
                fan.get(app.url(&link)).send().await.unwrap();
            }
            if total.is_empty() {
                return;
            }
            let variant = shelves::product(db, product.parse().unwrap())
                .await
                .unwrap()
                .variants[0]
                .id
                .to_string();
            let _: () = app
                .call_ok(
                    &fan,
                    "add_to_cart",
                    &[("variant", variant.as_str()), ("shop", "report_creator")],
                )
                .await;
            let form = [
                ("total", total),
                ("ship_name", "A Fan"),
                ("ship_address", "2 rue du Bac, Paris"),
                ("pay_with", "wallet"),
            ];
            let _: String = app.call_ok(&fan, "checkout", &form).await;
        }
    };
    buy("report_fan_a", Some(product_link), sold.clone(), "2000").await;
    buy("report_fan_b", Some(shop_link), sold.clone(), "").await;
    buy("report_fan_c", None, merch.clone(), "1000").await;

    let report: ShopReport = app.call_ok(&creator, "shop_report", &[]).await;
    let c = report.commissions.unwrap();
    assert_eq!((c.clicks, c.orders, c.conversion_bp), (2, 1, 5_000));
    assert_eq!((c.pending, c.available), (Money::eur(300), Money::eur(0)));
    let by_link: Vec<_> = c
        .by_link
        .iter()
        .map(|l| (l.label.as_str(), l.clicks, l.orders))
        .collect();
    assert_eq!(
        by_link,
        vec![("", 1, 0), ("Saddle bag", 1, 1), ("Sticker pack", 0, 0)]
    );
    assert_eq!(c.by_product[0].commission, Money::eur(300));
    assert_eq!(c.monthly.iter().map(|m| m.amount.minor).sum::<i64>(), 300);
    let s = report.sales.unwrap();
    assert_eq!((s.orders, s.sales), (1, Money::eur(1_000)));

    let report: ShopReport = app.call_ok(&brand, "shop_report", &[]).await;
    assert!(report.commissions.is_none());
    let s = report.sales.unwrap();
    assert_eq!(
        (s.sales, s.commission),
        (Money::eur(2_000), Money::eur(300))
    );
    let by_creator: Vec<_> = s
        .by_creator
        .iter()
        .map(|l| (l.label.as_str(), l.orders))
        .collect();
    assert_eq!(by_creator, vec![("report_creator", 1)]);

    let csv = creator
        .get(app.url("/reports/orders.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("order,state,paid_on,product"));
    assert!(lines
        .iter()
        .any(|l| l.contains("Saddle bag") && l.contains(",brought,") && l.contains(",3.00,")));
    assert!(lines
        .iter()
        .any(|l| l.contains("Sticker pack") && l.contains(",sold,")));
    let nobody = app
        .client()
        .get(app.url("/reports/orders.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(nobody.status(), reqwest::StatusCode::UNAUTHORIZED);
    let fan = app.client();
    app.sign_up(&fan, "fan", "report_nosy").await;
    assert_eq!(
        app.call_err(&fan, "shop_report", &[]).await,
        AppError::Forbidden
    );
}

#[tokio::test]
async fn a_guest_checks_out_under_an_email_that_becomes_their_account() {
    use app::orders::types::Checkout;
    let app = spawn_app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let maker = app.client();
    app.sign_up(&maker, "creator", "guest_maker").await;
    let form = [
        ("title", "Tote bag"),
        ("price", "15"),
        ("variant_names[]", ""),
        ("variant_stocks[]", "4"),
    ];
    let product: i64 = app.call_ok(&maker, "save_product", &form).await;
    let _: () = app
        .call_ok(
            &maker,
            "shelf",
            &[
                ("product", product.to_string().as_str()),
                ("action", "publish"),
            ],
        )
        .await;
    let variant = shelves::product(&db, product).await.unwrap().variants[0]
        .id
        .to_string();

    let guest = app.client();
    let _: () = app
        .call_ok(
            &guest,
            "add_to_cart",
            &[("variant", variant.as_str()), ("shop", "guest_maker")],
        )
        .await;
    let checkout = |email: &'static str| {
        let (app, guest) = (&app, &guest);
        async move {
            let form = [
                ("total", "1500"),
                ("email", email),
                ("ship_name", "Gwen Guest"),
                ("ship_address", "3 quai Voltaire, Paris"),
                ("pay_with", "card"),
            ];
            app.call(guest, "checkout", &form).await
        }
    };
    // An address with an account must log in; a malformed one is refused; nothing is reserved.
    let taken: AppError = checkout("guest_maker@example.test")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(field_of(taken), ("email".into(), Problem::EmailTaken));
    let bad: AppError = checkout("not an email").await.json().await.unwrap();
    assert_eq!(field_of(bad).0, "email");
    assert_eq!(
        shelves::product(&db, product).await.unwrap().variants[0].stock,
        4
    );

    let url: String = checkout("gwen@example.test").await.json().await.unwrap();
    let me = app
        .me(&guest)
        .await
        .expect("the guest is logged in to their new account");
    assert_eq!(
        (me.display_name.as_str(), me.role),
        ("Gwen Guest", Role::Fan)
    );
    let paid = app
        .pay(
            &guest,
            url.strip_prefix(&app.url("")).unwrap(),
            "4242 4242 4242 4242",
        )
        .await;
    let back = paid.headers()["location"].to_str().unwrap().to_owned();
    let id = back.rsplit('/').next().unwrap();
    let done: Checkout = app.call_ok(&guest, "get_checkout", &[("id", id)]).await;
    assert_eq!(done.orders[0].state, OrderState::Paid);
    assert_eq!(
        shelves::product(&db, product).await.unwrap().variants[0].stock,
        3
    );
    sound(&db).await;
}

#[tokio::test]
async fn nobody_buys_their_own_product_or_earns_on_their_own_purchase() {
    let (_dir, db) = fresh_db().await;
    let (brand, creator, _fan, _, variant) = brand_creator_fan(&db).await;
    // A seller buying their own product would turn a card top-up into withdrawable earnings.
    top_up(&db, brand, 10_000).await;
    let own = buy(&db, brand, variant, 1, None, 2_000).await;
    assert_eq!(
        own.unwrap_err(),
        AppError::invalid(&format!("line_{variant}"), Problem::OwnProduct)
    );
    assert_eq!(
        available(&db, AccountRef::wallet(brand, Currency::Eur)).await,
        10_000,
        "nothing was taken"
    );
    let merch = shelves::create(&db, creator, &product(1_000, None, 5), now())
        .await
        .unwrap();
    top_up(&db, creator, 10_000).await;
    let merch_variant = variant_of(&db, merch).await;
    assert!(matches!(
        buy(&db, creator, merch_variant, 1, Some(creator), 1_000).await,
        Err(AppError::Invalid {
            problem: Problem::OwnProduct,
            ..
        })
    ));

    // A creator may buy the brand's product from their own shop, but earns nothing on it.
    let checkout = buy(&db, creator, variant, 1, Some(creator), 2_000)
        .await
        .unwrap();
    let order = orders::checkout_view(&db, &checkout, creator)
        .await
        .unwrap()
        .orders
        .remove(0);
    let commission: i64 = sqlx::query_scalar("SELECT commission FROM orders WHERE public_id = $1")
        .bind(&order.id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(commission, 0);
    assert_eq!(
        available(&db, AccountRef::earnings(brand, Currency::Eur)).await,
        2_000,
        "the brand has the whole price"
    );
    sound(&db).await;
}

#[tokio::test]
async fn a_brand_page_shows_its_open_campaigns_and_the_shops_that_sell_its_products() {
    let app = spawn_app().await;
    let (brand, creator) = (app.client(), app.client());
    app.sign_up(&brand, "brand", "lumen_lamps").await;
    app.sign_up(&creator, "creator", "lamp_lover").await;
    let page = || async { app.page(&app.client(), "/brands/lumen-lamps").await };
    let empty = page().await;
    assert!(
        empty.contains("No campaign open to creators right now."),
        "{empty}"
    );
    assert!(empty.contains("No product on sale yet."), "{empty}");

    let product: i64 = app
        .call_ok(
            &brand,
            "save_product",
            &[
                ("title", "Desk lamp </title><script>alert(1)</script>"),
                ("description", "Warm light"),
                ("price", "40"),
                ("shipping", "0"),
                ("commission", "15"),
                ("variant_names[]", "One size"),
                ("variant_stocks[]", "5"),
            ],
        )
        .await;
    let id = product.to_string();
    let listed = page().await;
    assert!(
        listed.contains("Not in a creator&#x27;s shop yet.")
            || listed.contains("Not in a creator's shop yet."),
        "{listed}"
    );
    assert!(
        listed.contains(&format!("href=\"/products/{product}\"")),
        "{listed}"
    );
    assert!(!listed.contains("<script>alert(1)"), "{listed}");

    let _: () = app
        .call_ok(
            &creator,
            "promote",
            &[("product", id.as_str()), ("clawback_understood", "yes")],
        )
        .await;
    let sold = page().await;
    assert!(
        sold.contains(&format!("href=\"/@lamp_lover/shop/{product}\"")),
        "{sold}"
    );
    assert!(sold.contains("href=\"/@lamp_lover/shop\""), "{sold}");
    // Only a shop that shows it leads there.
    let _: () = app
        .call_ok(
            &creator,
            "shelf",
            &[("product", id.as_str()), ("action", "unpublish")],
        )
        .await;
    assert!(!page().await.contains("href=\"/@lamp_lover/shop\""));

    let campaign: i64 = app
        .call_ok(
            &brand,
            "create_campaign",
            &[
                ("title", "Evening light"),
                ("brief", "Show our lamp at dusk."),
                ("niches[]", "lifestyle"),
                ("min_audience", "0"),
                ("max_audience", ""),
                ("budget", "150"),
                ("creators_wanted", "3"),
                (
                    "starts_on",
                    &app::ui::date::format_date_input(app::ssr::now()),
                ),
                (
                    "ends_on",
                    &app::ui::date::format_date_input(app::ssr::now() + 30 * 86_400),
                ),
                ("count_post", "2"),
                ("network_post", "instagram"),
            ],
        )
        .await;
    let draft = page().await;
    assert!(!draft.contains("Evening light"), "a draft stays private");
    let _: app::campaigns::types::CampaignState = app
        .call_ok(
            &brand,
            "change_campaign",
            &[("id", &campaign.to_string()), ("action", "publish")],
        )
        .await;
    let open = page().await;
    assert!(
        open.contains(&format!("href=\"/campaigns/{campaign}\"")),
        "{open}"
    );

    // Any other slug is a page not found, never an error.
    for slug in ["nobody", "%3C%2Ftitle%3E", &"x".repeat(300)] {
        let response = app
            .client()
            .get(app.url(&format!("/brands/{slug}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::NOT_FOUND, "{slug}");
    }
    for endpoint in ["brand_showcase", "open_campaigns_of"] {
        assert_eq!(
            app.call_err(&app.client(), endpoint, &[("slug", "</title>")])
                .await,
            AppError::NotFound
        );
    }
}
