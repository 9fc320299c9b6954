//! Storefront server functions: anyone reads shops and products; sellers write their products;
//! creators curate their shop from their merch and the brand catalogue.

// A server function takes one argument per form field, so that forms post without JavaScript.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::types::*;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {
    super::{rules, store},
    crate::accounts::{
        session,
        types::{parse_text, Role, SessionUser},
    },
    crate::error::Problem,
    crate::ledger::{rules::parse_amount, types::Currency},
    crate::ssr::{now, state},
};

#[cfg(feature = "ssr")]
async fn require_role(role: Role) -> Result<SessionUser, AppError> {
    let user = session::require_user().await?;
    if user.role == role {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// A creator's public shop.
#[server(prefix = "/api", endpoint = "shop")]
pub async fn get_shop(handle: String) -> Result<Shop, AppError> {
    store::shop(&state()?.db, handle.trim_start_matches('@')).await
}

/// A product of a creator's shop.
#[server(prefix = "/api", endpoint = "shop_product")]
pub async fn get_shop_product(handle: String, id: i64) -> Result<ShopProduct, AppError> {
    store::shop_product(&state()?.db, handle.trim_start_matches('@'), id).await
}

/// A product on its own (a brand's catalogue page, a link shared without a shop).
#[server(prefix = "/api", endpoint = "product")]
pub async fn get_product(id: i64) -> Result<ShopProduct, AppError> {
    let product = store::product(&state()?.db, id).await?;
    Ok(ShopProduct {
        product,
        shop: None,
    })
}

/// Writes a product of the caller (a creator's merch, a brand's catalogue item): a new one
/// without `id`. Returns its id. Every price and stock is checked here, whatever the form sent.
#[server(prefix = "/api", endpoint = "save_product")]
pub async fn save_product(
    #[server(default)] id: Option<i64>,
    #[server(default)] title: String,
    #[server(default)] description: String,
    #[server(default)] price: String,
    #[server(default)] shipping: String,
    #[server(default)] commission: String,
    #[server(default)] variant_names: Vec<String>,
    #[server(default)] variant_stocks: Vec<String>,
) -> Result<i64, AppError> {
    let user = session::require_user().await?;
    if user.role == Role::Fan {
        return Err(AppError::Forbidden);
    }
    let title = parse_text("title", &title, 2, 120)?;
    let description = parse_text("description", &description, 0, 4_000)?;
    let price = parse_amount(&price, Currency::Eur, 50, 1_000_000)
        .map_err(|p| AppError::invalid("price", p))?;
    let shipping = match shipping.trim() {
        "" => crate::ledger::types::Money::eur(0),
        s => parse_amount(s, Currency::Eur, 0, 100_000)
            .map_err(|p| AppError::invalid("shipping", p))?,
    };
    let commission_bp = match user.role {
        Role::Brand => Some(rules::parse_commission("commission", &commission)?),
        _ => None,
    };
    let variants = rules::parse_variants(&variant_names, &variant_stocks)?;
    let product = store::NewProduct {
        title,
        description,
        price,
        shipping,
        commission_bp,
        variants,
    };
    let db = &state()?.db;
    match id {
        Some(id) => store::update(db, user.id, id, &product, now())
            .await
            .map(|()| id),
        None => store::create(db, user.id, &product, now()).await,
    }
}

/// Withdraws one of the caller's products from sale, or puts it back.
#[server(prefix = "/api", endpoint = "product_on_sale")]
pub async fn set_on_sale(id: i64, on_sale: bool) -> Result<(), AppError> {
    let user = session::require_user().await?;
    store::set_active(&state()?.db, user.id, id, on_sale, now()).await
}

/// One of the caller's products, to edit it.
#[server(prefix = "/api", endpoint = "my_product")]
pub async fn my_product(id: i64) -> Result<Product, AppError> {
    let user = session::require_user().await?;
    let db = &state()?.db;
    store::check_seller(db, user.id, id).await?;
    store::product(db, id).await
}

/// The caller's shop as they manage it. Creators only.
#[server(prefix = "/api", endpoint = "shop_desk")]
pub async fn shop_desk() -> Result<Desk, AppError> {
    let creator = require_role(Role::Creator).await?;
    let st = state()?;
    store::desk(&st.db, creator.id, &st.base_url, now()).await
}

/// Publishes, hides, moves or removes an item of the caller's shop.
#[server(prefix = "/api", endpoint = "shelf")]
pub async fn change_shelf(product: i64, action: ShelfAction) -> Result<(), AppError> {
    let creator = require_role(Role::Creator).await?;
    store::shelf(&state()?.db, creator.id, product, action).await
}

/// Brand products creators can add to their shop.
#[server(prefix = "/api", endpoint = "catalogue")]
pub async fn get_catalogue() -> Result<Vec<CatalogueItem>, AppError> {
    let creator = require_role(Role::Creator).await?;
    store::catalogue(&state()?.db, creator.id).await
}

/// Adds a brand product to the caller's shop. `clawback_understood` is the box the creator
/// ticks after reading that refunds take the commission back.
#[server(prefix = "/api", endpoint = "promote")]
pub async fn promote_product(
    product: i64,
    #[server(default)] clawback_understood: Option<String>,
) -> Result<(), AppError> {
    let creator = require_role(Role::Creator).await?;
    if clawback_understood.is_none() {
        return Err(AppError::invalid("clawback_understood", Problem::Required));
    }
    store::promote(&state()?.db, creator.id, product, now()).await
}

/// The brand's catalogue, with who promotes what. Brands only.
#[server(prefix = "/api", endpoint = "brand_products")]
pub async fn brand_products() -> Result<Vec<BrandProduct>, AppError> {
    let brand = require_role(Role::Brand).await?;
    store::brand_products(&state()?.db, brand.id, now()).await
}

/// A brand's products on sale, with the shops that sell them, for its public page.
#[server(prefix = "/api", endpoint = "brand_showcase")]
pub async fn brand_showcase(slug: String) -> Result<Vec<Showcased>, AppError> {
    let db = &state()?.db;
    let brand = crate::accounts::store::brand_of_slug(db, &slug).await?;
    store::showcase(db, brand).await
}
