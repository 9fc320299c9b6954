//! What storefront pages show: products, shops, the brand catalogue, affiliate links.

use serde::{Deserialize, Serialize};

use crate::ledger::types::Money;

/// One choice of a product (a size, a colour) with what is left of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub id: i64,
    /// Empty for a product without choices.
    pub name: String,
    pub stock: i64,
}

/// Who sells a product: a creator (their merch) or a brand (its catalogue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Seller {
    Creator { handle: String, name: String },
    Brand { slug: String, name: String },
}

impl Seller {
    pub fn name(&self) -> &str {
        match self {
            Self::Creator { name, .. } | Self::Brand { name, .. } => name,
        }
    }

    pub fn href(&self) -> String {
        match self {
            Self::Creator { handle, .. } => format!("/@{handle}"),
            Self::Brand { slug, .. } => format!("/brands/{slug}"),
        }
    }
}

/// A product as a buyer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: i64,
    pub seller: Seller,
    pub title: String,
    pub description: String,
    pub price: Money,
    /// Per order line, whatever the quantity.
    pub shipping: Money,
    /// The creator's commission on a brand product, in basis points; `None` for merch.
    pub commission_bp: Option<u32>,
    pub images: Vec<String>,
    pub variants: Vec<Variant>,
    /// Withdrawn from sale by its seller.
    pub active: bool,
}

impl Product {
    /// What a checkout of one piece charges: its price and the line's shipping.
    pub fn price_of_one(&self) -> Money {
        Money::new(self.price.minor + self.shipping.minor, self.price.currency)
    }

    pub fn in_stock(&self) -> bool {
        self.active && self.variants.iter().any(|v| v.stock > 0)
    }
}

/// A product on a shop's shelf: enough for the grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopCard {
    pub id: i64,
    pub title: String,
    pub price: Money,
    pub image: Option<String>,
    /// The brand's name, for a brand product.
    pub brand: Option<String>,
    pub in_stock: bool,
}

/// A creator's public shop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shop {
    pub handle: String,
    pub name: String,
    pub avatar_url: Option<String>,
    pub items: Vec<ShopCard>,
}

/// A product seen inside a shop (or on its own, `shop: None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopProduct {
    pub product: Product,
    /// The handle and name of the creator whose shop this is.
    pub shop: Option<(String, String)>,
}

/// The commission a creator earns on a brand product, and the protection of a lowered rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    /// What they earn now.
    pub bp: u32,
    /// The brand's current rate, lower than `bp` while the old rate is kept...
    pub current_bp: u32,
    /// ...until then.
    pub kept_until: Option<i64>,
}

/// One line of the creator's shop desk: their merch or a brand product they chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskItem {
    pub product: Product,
    pub published: bool,
    /// For brand products.
    pub rate: Option<Rate>,
    /// The affiliate link to share for this product.
    pub link: String,
}

/// The creator's view of their own shop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Desk {
    pub handle: String,
    pub items: Vec<DeskItem>,
    /// The affiliate link for the whole shop.
    pub shop_link: String,
}

/// A brand product as creators browse it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueItem {
    pub product: Product,
    /// The viewer promotes it already.
    pub in_shop: bool,
    pub promoters: u32,
}

/// A brand's product with who promotes it, for the brand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandProduct {
    pub product: Product,
    pub promoters: Vec<Promoter>,
}

/// A brand's product on its public page, with the shops that sell it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Showcased {
    pub product: Product,
    pub shops: Vec<ShopLink>,
}

/// A creator's shop, by their handle and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopLink {
    pub handle: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promoter {
    pub handle: String,
    pub name: String,
    /// What they earn on it now (a lowered rate may still be kept).
    pub bp: u32,
    pub kept_until: Option<i64>,
}

/// How a creator moves an item of their shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShelfAction {
    Publish,
    Unpublish,
    Up,
    Down,
    Remove,
}
