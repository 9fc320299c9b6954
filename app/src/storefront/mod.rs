//! Storefronts: products (a creator's merch, a brand's catalogue with a commission), the shop
//! each creator curates at `/@handle/shop`, and the affiliate links that bring sales to them.

pub mod api;
pub mod pages;
pub mod rules;
pub mod types;

#[cfg(feature = "ssr")]
pub mod images;
#[cfg(feature = "ssr")]
pub mod links;
#[cfg(feature = "ssr")]
pub mod store;

/// Where a seller uploads a product's images (`{id}`: the product).
pub fn images_path(product: i64) -> String {
    format!("/api/products/{product}/images")
}
