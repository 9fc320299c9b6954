//! Who may call each marketplace and shop server function: every function, called over HTTP
//! by every kind of caller (nobody, a fan who is the buyer of an order, the creator and the
//! brand of a deal, campaign and order, another creator, another brand), is refused with the
//! right error, or let through.

use crate::common::spawn_app;
use app::campaigns::store::{self as campaigns, NewCampaign};
use app::campaigns::types::{CampaignAction, Deliverable};
use app::deals::store::{self as deals, Opening, Terms};
use app::deals::types::Party;
use app::error::AppError;
use app::ledger::types::Money;
use app::market::types::Format;
use app::orders::store::{self as orders, Address, CheckoutRequest};
use app::orders::types::{CartLine, PayWith};
use app::ssr::{now, Db};
use app::storefront::store::{self as shelves, NewProduct};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Nobody,
    Fan,
    Creator,
    OtherCreator,
    Brand,
    OtherBrand,
}

use Caller::*;

const EVERYONE: [Caller; 6] = [Nobody, Fan, Creator, OtherCreator, Brand, OtherBrand];

/// What a caller gets: refused with this error, or let through (`None`: any answer that is
/// not a refusal, such as a field error or a conflict further on).
fn expected(function: &str, caller: Caller) -> Option<AppError> {
    let signed_in = || (caller == Nobody).then_some(AppError::Unauthenticated);
    let only = |allowed: &[Caller]| {
        signed_in().or((!allowed.contains(&caller)).then_some(AppError::Forbidden))
    };
    let parties =
        || signed_in().or((![Creator, Brand].contains(&caller)).then_some(AppError::NotFound));
    let order_parties = |allowed: &[Caller]| {
        signed_in().or(match caller {
            OtherCreator | OtherBrand => Some(AppError::NotFound),
            _ => (!allowed.contains(&caller)).then_some(AppError::Forbidden),
        })
    };
    match function {
        "market_profile" | "search_creators" | "campaigns" | "reputation" => None,
        "market_settings" | "save_market_profile" | "apply_to_campaign" => {
            only(&[Creator, OtherCreator])
        }
        "create_campaign" | "my_campaigns" | "offer_deal" => only(&[Brand, OtherBrand]),
        "change_campaign" => {
            only(&[Brand, OtherBrand]).or((caller == OtherBrand).then_some(AppError::NotFound))
        }
        // A draft is the brand's own.
        "campaign" => (caller != Brand).then_some(AppError::NotFound),
        "deal" | "deal_step" | "deal_message" | "rate_deal" => parties(),
        // Only the brand pays the escrow.
        "fund_deal_by_card" => parties().or((caller == Creator).then_some(AppError::Forbidden)),
        "deals" => signed_in(),
        "deal_dashboard" => only(&[Creator, OtherCreator, Brand, OtherBrand]),
        "disputed_deals" | "settle_dispute" => only(&[]),
        "shop" | "shop_product" | "product" | "cart" | "add_to_cart" | "update_cart" => None,
        "save_product" => only(&[Creator, OtherCreator, Brand, OtherBrand]),
        // The brand's product.
        "product_on_sale" | "my_product" => only(&[Brand]),
        "shop_desk" | "catalogue" | "promote" => only(&[Creator, OtherCreator]),
        // The creator's own item.
        "shelf" => only(&[Creator, OtherCreator])
            .or((caller == OtherCreator).then_some(AppError::NotFound)),
        "brand_products" => only(&[Brand, OtherBrand]),
        // A guest checks out too (here with an empty cart).
        "checkout" => None,
        "orders" => signed_in(),
        "shop_report" => only(&[Creator, OtherCreator, Brand, OtherBrand]),
        // The fan's checkout, and the order it made: the fan bought, the brand sold, the
        // creator brought it.
        "get_checkout" | "pay_checkout" => {
            signed_in().or((caller != Fan).then_some(AppError::NotFound))
        }
        "order" => signed_in().or([OtherCreator, OtherBrand]
            .contains(&caller)
            .then_some(AppError::NotFound)),
        "ship_order" | "refund_order" => order_parties(&[Brand]),
        "order_delivered" => order_parties(&[Brand, Fan]),
        other => panic!("no rule for {other}"),
    }
}

fn campaign(title: &str) -> NewCampaign {
    let today = now().div_euclid(86_400) * 86_400;
    NewCampaign {
        title: title.into(),
        brief: "A brief long enough to be a brief.".into(),
        niches: Vec::new(),
        min_audience: 0,
        max_audience: None,
        budget: Money::eur(10_000),
        creators_wanted: 2,
        starts_at: today + 86_400,
        ends_at: today + 30 * 86_400,
        free_product: String::new(),
        deliverables: vec![Deliverable {
            format: Format::Post,
            network: app::accounts::types::Network::Instagram,
            count: 1,
        }],
    }
}

#[tokio::test]
async fn every_marketplace_and_shop_function_refuses_whoever_may_not_call_it() {
    let app = spawn_app().await;
    let mut clients = Vec::new();
    for caller in EVERYONE {
        let client = app.client();
        let (role, handle) = match caller {
            Nobody => ("", ""),
            Fan => ("fan", "auth_fan"),
            Creator => ("creator", "auth_creator"),
            OtherCreator => ("creator", "auth_other_creator"),
            Brand => ("brand", "auth_brand"),
            OtherBrand => ("brand", "auth_other_brand"),
        };
        if caller != Nobody {
            app.sign_up(&client, role, handle).await;
        }
        clients.push((caller, client));
    }
    let db = Db::connect(&app.database_url).await.unwrap();
    let id = |caller: Caller| {
        let clients = &clients;
        let app = &app;
        async move {
            let (_, client) = clients.iter().find(|(c, _)| *c == caller).unwrap();
            app.me(client).await.unwrap().id
        }
    };
    let (brand, creator) = (id(Brand).await, id(Creator).await);
    let draft = campaigns::create(&db, brand, &campaign("Draft"), now())
        .await
        .unwrap();
    let published = campaigns::create(&db, brand, &campaign("Published"), now())
        .await
        .unwrap();
    campaigns::act(&db, brand, published, CampaignAction::Publish, now())
        .await
        .unwrap();
    let opening = Opening {
        review_secs: app::deals::rules::REVIEW_WINDOW_SECS,
        brand_id: brand,
        creator_id: creator,
        campaign_id: None,
        by: Party::Brand,
        terms: Terms {
            amount: Money::eur(5_000),
            deliverables: "One post".into(),
            due_at: now() + 10 * 86_400,
        },
        message: String::new(),
    };
    let deal = deals::open(&db, &opening, now()).await.unwrap().to_string();
    let (draft, published) = (draft.to_string(), published.to_string());

    // The creator's merch, the brand's product they promote, and the fan's order of the latter.
    let product = |commission_bp| NewProduct {
        title: "Jersey".into(),
        description: String::new(),
        price: Money::eur(4_000),
        shipping: Money::eur(0),
        commission_bp,
        variants: vec![(String::new(), 5)],
    };
    let merch = shelves::create(&db, creator, &product(None), now())
        .await
        .unwrap();
    let sold = shelves::create(&db, brand, &product(Some(1_500)), now())
        .await
        .unwrap();
    shelves::promote(&db, creator, sold, now()).await.unwrap();
    let fan = id(Fan).await;
    crate::common::top_up(&db, fan, 4_000).await;
    let variant = shelves::product(&db, sold).await.unwrap().variants[0].id;
    let lines = [CartLine {
        variant,
        quantity: 1,
        shop: Some(creator),
    }];
    let request = CheckoutRequest {
        buyer: fan,
        lines: &lines,
        click: None,
        expected_total: 4_000,
        ship_to: Address {
            name: "Fan".into(),
            address: "1 rue de la Paix, Paris".into(),
        },
        pay_with: PayWith::Wallet,
        reserve_secs: 900,
        event: None,
    };
    let checkout = orders::checkout(&db, &request, now()).await.unwrap();
    let order = orders::checkout_view(&db, &checkout, fan)
        .await
        .unwrap()
        .orders[0]
        .id
        .clone();
    let (merch, sold, variant) = (merch.to_string(), sold.to_string(), variant.to_string());

    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("market_profile", vec![("handle", "auth_creator")]),
        ("search_creators", vec![]),
        ("market_settings", vec![]),
        ("save_market_profile", vec![("language", "fr")]),
        ("campaigns", vec![]),
        ("campaign", vec![("id", &draft)]),
        ("create_campaign", vec![("title", "")]),
        ("my_campaigns", vec![]),
        ("change_campaign", vec![("id", &draft), ("action", "close")]),
        ("offer_deal", vec![("handle", "auth_creator")]),
        (
            "apply_to_campaign",
            vec![("campaign", &published), ("amount", "")],
        ),
        ("deal", vec![("id", &deal)]),
        // Disputing an offer is refused to the parties too, but only after who they are.
        ("deal_step", vec![("id", &deal), ("step", "dispute")]),
        ("deal_message", vec![("id", &deal), ("body", "Hello")]),
        ("rate_deal", vec![("id", &deal), ("stars", "5")]),
        ("fund_deal_by_card", vec![("id", &deal)]),
        ("deals", vec![]),
        ("deal_dashboard", vec![]),
        (
            "reputation",
            vec![("handle", "auth_creator"), ("brand", "false")],
        ),
        ("disputed_deals", vec![]),
        ("settle_dispute", vec![("id", &deal), ("how", "release")]),
        ("shop", vec![("handle", "auth_creator")]),
        (
            "shop_product",
            vec![("handle", "auth_creator"), ("id", &sold)],
        ),
        ("product", vec![("id", &merch)]),
        ("cart", vec![]),
        (
            "add_to_cart",
            vec![("variant", &variant), ("quantity", "1")],
        ),
        (
            "update_cart",
            vec![("variant", &variant), ("quantity", "0")],
        ),
        ("save_product", vec![("title", "")]),
        ("product_on_sale", vec![("id", &sold), ("on_sale", "true")]),
        ("my_product", vec![("id", &sold)]),
        ("shop_desk", vec![]),
        ("shelf", vec![("product", &merch), ("action", "publish")]),
        ("catalogue", vec![]),
        ("promote", vec![("product", &sold)]),
        ("brand_products", vec![]),
        ("checkout", vec![("total", "0")]),
        ("get_checkout", vec![("id", &checkout)]),
        ("pay_checkout", vec![("id", &checkout)]),
        ("order", vec![("id", &order)]),
        ("orders", vec![]),
        ("shop_report", vec![]),
        (
            "ship_order",
            vec![("id", &order), ("carrier", "UPS"), ("tracking", "1Z0001")],
        ),
        ("order_delivered", vec![("id", &order)]),
        ("refund_order", vec![("id", &order), ("amount", "1")]),
    ];
    let mut checked = 0;
    for (function, form) in &calls {
        for (caller, client) in &clients {
            let response = app.call(client, function, form).await;
            let status = response.status();
            let body = response.text().await.unwrap();
            let got = serde_json::from_str::<AppError>(&body).ok();
            match expected(function, *caller) {
                Some(want) => assert_eq!(
                    got.as_ref(),
                    Some(&want),
                    "{function} by {caller:?}: {status} {body}"
                ),
                None => assert!(
                    !matches!(
                        got,
                        Some(AppError::Unauthenticated | AppError::Forbidden | AppError::NotFound)
                    ),
                    "{function} by {caller:?} was refused: {status} {body}"
                ),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, calls.len() * EVERYONE.len());
}
