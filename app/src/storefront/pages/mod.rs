//! What the user sees of storefronts.

pub mod catalogue;
pub mod desk;
pub mod shop;
pub mod showcase;

use leptos::prelude::*;

use crate::ui::picture::Picture;

/// A product's first picture at `size` pixels square (lazy: lists run below the fold), or its
/// initial when it has none.
#[component]
fn ProductImage(
    image: Option<String>,
    title: String,
    sizes: &'static str,
    size: u32,
) -> impl IntoView {
    match image {
        Some(src) => view! { <Picture src=src sizes=sizes width=size height=size lazy=true /> }.into_any(),
        None => view! {
            <span class="product-placeholder" aria-hidden="true">{title.chars().next().unwrap_or('?').to_string()}</span>
        }
        .into_any(),
    }
}

/// The sizes of a product card's picture in the shop and brand grids.
const CARD_SIZES: &str = "(min-width: 720px) 280px, (min-width: 400px) 50vw, 100vw";
