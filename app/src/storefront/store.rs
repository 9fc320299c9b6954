//! The storefront's SQL: products and their choices and images, the shops that show them, the
//! brand catalogue with its commission rates, and affiliate links.

use std::collections::HashMap;

use sqlx::{AnyConnection, FromRow};

use super::rules;
use super::types::*;
use crate::accounts::types::Role;
use crate::error::{AppError, Problem};
use crate::ledger::types::{Currency, Money};
use crate::ssr::{internal, random_hex, storage::media_url, Db};

/// A product as its seller writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProduct {
    pub title: String,
    pub description: String,
    pub price: Money,
    pub shipping: Money,
    /// Brands only: the creator's commission.
    pub commission_bp: Option<u32>,
    /// Name and stock of each choice.
    pub variants: Vec<(String, i64)>,
}

async fn role(conn: &mut AnyConnection, user: i64) -> Result<Role, AppError> {
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(user)
        .fetch_optional(&mut *conn)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    Role::parse("role", &role).map_err(|_| internal("unknown role"))
}

/// Lists a new product of `seller`; returns its id. A creator's product goes on their shop's
/// shelf, unpublished; a brand's goes in the catalogue with its commission.
pub async fn create(db: &Db, seller: i64, p: &NewProduct, now: i64) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await.map_err(internal)?;
    let role = role(&mut tx, seller).await?;
    let commission = match role {
        Role::Brand => Some(p.commission_bp.unwrap_or(0)),
        Role::Creator => None,
        Role::Fan => return Err(AppError::Forbidden),
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO products (seller_id, title, description, price, shipping, currency,
           commission_bp, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) RETURNING id",
    )
    .bind(seller)
    .bind(&p.title)
    .bind(&p.description)
    .bind(p.price.minor)
    .bind(p.shipping.minor)
    .bind(p.price.currency.as_str())
    .bind(commission.map(i64::from))
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    write_variants(&mut tx, id, &p.variants).await?;
    if role == Role::Creator {
        shelve(&mut tx, seller, id, now).await?;
    }
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

/// Puts a product at the end of a creator's shelf, unpublished.
async fn shelve(
    conn: &mut AnyConnection,
    creator: i64,
    product: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO shop_items (creator_id, product_id, position, published, added_at)
         SELECT $1, $2, COALESCE(MAX(position), 0) + 1, 0, $3 FROM shop_items WHERE creator_id = $1
         ON CONFLICT DO NOTHING",
    )
    .bind(creator)
    .bind(product)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(internal)?;
    Ok(())
}

/// Sets a product's choices: stocks of the named ones are replaced, new ones added, missing
/// ones removed (or emptied, when orders name them).
async fn write_variants(
    conn: &mut AnyConnection,
    product: i64,
    variants: &[(String, i64)],
) -> Result<(), AppError> {
    let existing: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM product_variants WHERE product_id = $1")
            .bind(product)
            .fetch_all(&mut *conn)
            .await
            .map_err(internal)?;
    for (id, name) in &existing {
        if variants.iter().any(|(n, _)| n == name) {
            continue;
        }
        let ordered: Option<i64> =
            sqlx::query_scalar("SELECT id FROM order_lines WHERE variant_id = $1 LIMIT 1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(internal)?;
        let sql = match ordered {
            Some(_) => "UPDATE product_variants SET stock = 0 WHERE id = $1",
            None => "DELETE FROM product_variants WHERE id = $1",
        };
        sqlx::query(sql)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(internal)?;
    }
    for (position, (name, stock)) in variants.iter().enumerate() {
        sqlx::query(
            "INSERT INTO product_variants (product_id, name, stock, position) VALUES ($1, $2, $3, $4)
             ON CONFLICT (product_id, name) DO UPDATE SET stock = $3, position = $4",
        )
        .bind(product)
        .bind(name)
        .bind(stock)
        .bind(position as i64)
        .execute(&mut *conn)
        .await
        .map_err(internal)?;
    }
    Ok(())
}

/// Rewrites one of `seller`'s products. A lowered commission is kept for 30 days by the
/// creators promoting the product; a raised one applies at once.
pub async fn update(
    db: &Db,
    seller: i64,
    id: i64,
    p: &NewProduct,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await.map_err(internal)?;
    let old: Option<(i64, Option<i64>)> =
        sqlx::query_as("SELECT seller_id, commission_bp FROM products WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
    let (owner, old_bp) = old.ok_or(AppError::NotFound)?;
    if owner != seller {
        return Err(AppError::Forbidden);
    }
    let new_bp = old_bp.map(|_| i64::from(p.commission_bp.unwrap_or(0)));
    if let (Some(old_bp), Some(new_bp)) = (old_bp, new_bp) {
        if new_bp < old_bp {
            keep_rates(&mut tx, id, old_bp as u32, new_bp as u32, now).await?;
        }
    }
    sqlx::query(
        "UPDATE products SET title = $1, description = $2, price = $3, shipping = $4,
           commission_bp = $5, updated_at = $6 WHERE id = $7",
    )
    .bind(&p.title)
    .bind(&p.description)
    .bind(p.price.minor)
    .bind(p.shipping.minor)
    .bind(new_bp)
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    write_variants(&mut tx, id, &p.variants).await?;
    tx.commit().await.map_err(internal)
}

/// Each promoter of `product` keeps what they earned before the rate went from `old_bp` down
/// to `new_bp`.
async fn keep_rates(
    conn: &mut AnyConnection,
    product: i64,
    old_bp: u32,
    new_bp: u32,
    now: i64,
) -> Result<(), AppError> {
    let promoters: Vec<(i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT creator_id, kept_bp, kept_until FROM shop_items WHERE product_id = $1",
    )
    .bind(product)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    for (creator, kept_bp, kept_until) in promoters {
        let earned = rules::effective_rate(old_bp, kept(kept_bp, kept_until), now);
        if let Some((bp, until)) = rules::kept_after_change(earned, new_bp, now) {
            sqlx::query(
                "UPDATE shop_items SET kept_bp = $1, kept_until = $2
                 WHERE creator_id = $3 AND product_id = $4",
            )
            .bind(i64::from(bp))
            .bind(until)
            .bind(creator)
            .bind(product)
            .execute(&mut *conn)
            .await
            .map_err(internal)?;
        }
    }
    Ok(())
}

fn kept(bp: Option<i64>, until: Option<i64>) -> Option<(u32, i64)> {
    Some((
        bp?.clamp(0, i64::from(rules::MAX_COMMISSION_BP)) as u32,
        until?,
    ))
}

/// Withdraws one of `seller`'s products from sale, or puts it back.
pub async fn set_active(
    db: &Db,
    seller: i64,
    id: i64,
    active: bool,
    now: i64,
) -> Result<(), AppError> {
    let changed = sqlx::query(
        "UPDATE products SET active = $1, updated_at = $2 WHERE id = $3 AND seller_id = $4",
    )
    .bind(i64::from(active))
    .bind(now)
    .bind(id)
    .bind(seller)
    .execute(&db.pool)
    .await
    .map_err(internal)?;
    if changed.rows_affected() == 0 {
        return Err(owner_error(db, id).await);
    }
    Ok(())
}

/// Refuses unless product `id` is `seller`'s.
pub async fn check_seller(db: &Db, seller: i64, id: i64) -> Result<(), AppError> {
    let owner: Option<i64> = sqlx::query_scalar("SELECT seller_id FROM products WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?;
    match owner {
        Some(owner) if owner == seller => Ok(()),
        Some(_) => Err(AppError::Forbidden),
        None => Err(AppError::NotFound),
    }
}

/// Why `user` could not change product `id`: it does not exist, or is someone else's.
async fn owner_error(db: &Db, id: i64) -> AppError {
    match sqlx::query_scalar::<_, i64>("SELECT id FROM products WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
    {
        Ok(Some(_)) => AppError::Forbidden,
        Ok(None) => AppError::NotFound,
        Err(e) => internal(e),
    }
}

#[derive(FromRow)]
struct ProductRow {
    id: i64,
    seller_role: String,
    seller_handle: String,
    seller_name: String,
    brand_slug: Option<String>,
    brand_name: Option<String>,
    title: String,
    description: String,
    price: i64,
    shipping: i64,
    currency: String,
    commission_bp: Option<i64>,
    active: i64,
}

const PRODUCT_COLUMNS: &str = "p.id, u.role AS seller_role, u.handle AS seller_handle,
    u.display_name AS seller_name, b.slug AS brand_slug, b.company_name AS brand_name, p.title,
    p.description, p.price, p.shipping, p.currency, p.commission_bp, p.active";
const PRODUCT_FROM: &str =
    "products p JOIN users u ON u.id = p.seller_id LEFT JOIN brands b ON b.user_id = p.seller_id";

/// The products `ids`, with their choices and images, in no particular order.
pub(crate) async fn products(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> Result<HashMap<i64, Product>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let rows: Vec<ProductRow> = sqlx::query_as(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM {PRODUCT_FROM} WHERE p.id IN ({list})"
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let variants: Vec<(i64, i64, String, i64)> = sqlx::query_as(&format!(
        "SELECT product_id, id, name, stock FROM product_variants WHERE product_id IN ({list})
         ORDER BY position, id"
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let images: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT product_id, storage_key FROM product_images WHERE product_id IN ({list})
         ORDER BY position, id"
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let mut found = HashMap::with_capacity(rows.len());
    for r in rows {
        let currency = Currency::parse(&r.currency).ok_or_else(|| internal("unknown currency"))?;
        let seller = match (r.seller_role.as_str(), r.brand_slug, r.brand_name) {
            ("brand", Some(slug), Some(name)) => Seller::Brand { slug, name },
            _ => Seller::Creator {
                handle: r.seller_handle,
                name: r.seller_name,
            },
        };
        found.insert(
            r.id,
            Product {
                id: r.id,
                seller,
                title: r.title,
                description: r.description,
                price: Money::new(r.price, currency),
                shipping: Money::new(r.shipping, currency),
                commission_bp: r.commission_bp.map(|bp| bp as u32),
                images: Vec::new(),
                variants: Vec::new(),
                active: r.active != 0,
            },
        );
    }
    for (product, id, name, stock) in variants {
        if let Some(p) = found.get_mut(&product) {
            p.variants.push(Variant { id, name, stock });
        }
    }
    for (product, key) in images {
        if let Some(p) = found.get_mut(&product) {
            p.images.push(media_url(&key));
        }
    }
    Ok(found)
}

/// One product.
pub async fn product(db: &Db, id: i64) -> Result<Product, AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    products(&mut conn, &[id])
        .await?
        .remove(&id)
        .ok_or(AppError::NotFound)
}

/// The creator with this handle, if they have a shop (any creator does).
async fn shop_owner(
    conn: &mut AnyConnection,
    handle: &str,
) -> Result<(i64, String, Option<String>), AppError> {
    let owner: Option<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT id, display_name, avatar_key FROM users WHERE handle = $1 AND role = 'creator'",
    )
    .bind(handle.to_lowercase())
    .fetch_optional(&mut *conn)
    .await
    .map_err(internal)?;
    owner.ok_or(AppError::NotFound)
}

/// The id of the creator whose shop is at `handle`.
pub async fn shop_id(db: &Db, handle: &str) -> Result<i64, AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    Ok(shop_owner(&mut conn, handle).await?.0)
}

/// A creator's public shop: their published items, in their order, each in one row.
pub async fn shop(db: &Db, handle: &str) -> Result<Shop, AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    let (creator, name, avatar) = shop_owner(&mut conn, handle).await?;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        i64,
        String,
        i64,
        String,
        Option<String>,
        Option<String>,
        i64,
    )> = sqlx::query_as(
        "SELECT p.id, p.title, p.price, p.currency,
               (SELECT storage_key FROM product_images i WHERE i.product_id = p.id
                ORDER BY position, id LIMIT 1),
               b.company_name,
               (SELECT CAST(COALESCE(SUM(stock), 0) AS BIGINT) FROM product_variants v
                WHERE v.product_id = p.id)
             FROM shop_items s JOIN products p ON p.id = s.product_id
             LEFT JOIN brands b ON b.user_id = p.seller_id
             WHERE s.creator_id = $1 AND s.published = 1 AND p.active = 1
             ORDER BY s.position, p.id",
    )
    .bind(creator)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let items = rows
        .into_iter()
        .map(|(id, title, price, currency, image, brand, stock)| {
            let currency =
                Currency::parse(&currency).ok_or_else(|| internal("unknown currency"))?;
            Ok(ShopCard {
                id,
                title,
                price: Money::new(price, currency),
                image: image.as_deref().map(media_url),
                brand,
                in_stock: stock > 0,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(Shop {
        handle: handle.to_lowercase(),
        name,
        avatar_url: crate::accounts::store::avatar_url(avatar),
        items,
    })
}

/// A product as shown in `handle`'s shop: it must be on their published shelf.
pub async fn shop_product(db: &Db, handle: &str, id: i64) -> Result<ShopProduct, AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    let (creator, name, _) = shop_owner(&mut conn, handle).await?;
    let shelved: Option<i64> = sqlx::query_scalar(
        "SELECT product_id FROM shop_items WHERE creator_id = $1 AND product_id = $2 AND published = 1",
    )
    .bind(creator)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(internal)?;
    shelved.ok_or(AppError::NotFound)?;
    let product = products(&mut conn, &[id])
        .await?
        .remove(&id)
        .ok_or(AppError::NotFound)?;
    Ok(ShopProduct {
        product,
        shop: Some((handle.to_lowercase(), name)),
    })
}

/// Whether product `id` is on `creator`'s published shelf (a sale there is theirs).
pub async fn on_shelf(conn: &mut AnyConnection, creator: i64, id: i64) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT product_id FROM shop_items WHERE creator_id = $1 AND product_id = $2 AND published = 1",
    )
    .bind(creator)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(internal)?;
    Ok(found.is_some())
}

/// What `creator` earns now on brand product `id` they promote, if they promote it.
pub async fn rate_for(
    conn: &mut AnyConnection,
    creator: i64,
    id: i64,
    now: i64,
) -> Result<Option<u32>, AppError> {
    let row: Option<(Option<i64>, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT p.commission_bp, s.kept_bp, s.kept_until FROM shop_items s
         JOIN products p ON p.id = s.product_id WHERE s.creator_id = $1 AND s.product_id = $2",
    )
    .bind(creator)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(internal)?;
    Ok(row.and_then(|(current, kept_bp, kept_until)| {
        let current = current? as u32;
        Some(rules::effective_rate(
            current,
            kept(kept_bp, kept_until),
            now,
        ))
    }))
}

/// The creator's own shop, as they manage it: every item, published or not, with its rate and
/// link.
pub async fn desk(db: &Db, creator: i64, base_url: &str, now: i64) -> Result<Desk, AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    let handle: String = sqlx::query_scalar("SELECT handle FROM users WHERE id = $1")
        .bind(creator)
        .fetch_one(&mut *conn)
        .await
        .map_err(internal)?;
    let shelf: Vec<(i64, i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT product_id, published, kept_bp, kept_until FROM shop_items
         WHERE creator_id = $1 ORDER BY position, product_id",
    )
    .bind(creator)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let ids: Vec<i64> = shelf.iter().map(|s| s.0).collect();
    let mut found = products(&mut conn, &ids).await?;
    let mut items = Vec::with_capacity(shelf.len());
    for (id, published, kept_bp, kept_until) in shelf {
        let Some(product) = found.remove(&id) else {
            continue;
        };
        let rate = product.commission_bp.map(|current_bp| {
            let kept = kept(kept_bp, kept_until).filter(|(_, until)| *until > now);
            let bp = rules::effective_rate(current_bp, kept, now);
            Rate {
                bp,
                current_bp,
                kept_until: kept.filter(|_| bp > current_bp).map(|(_, until)| until),
            }
        });
        let code = link(&mut conn, creator, id, now).await?;
        items.push(DeskItem {
            product,
            published: published != 0,
            rate,
            link: format!("{base_url}/r/{code}"),
        });
    }
    let code = link(&mut conn, creator, 0, now).await?;
    Ok(Desk {
        handle,
        items,
        shop_link: format!("{base_url}/r/{code}"),
    })
}

/// Publishes, hides, moves or removes an item of `creator`'s shop. A creator's own product is
/// hidden rather than removed: orders may name it.
pub async fn shelf(
    db: &Db,
    creator: i64,
    product: i64,
    action: ShelfAction,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await.map_err(internal)?;
    let item: Option<(i64, i64)> = sqlx::query_as(
        "SELECT s.position, p.seller_id FROM shop_items s JOIN products p ON p.id = s.product_id
         WHERE s.creator_id = $1 AND s.product_id = $2",
    )
    .bind(creator)
    .bind(product)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?;
    let (position, seller) = item.ok_or(AppError::NotFound)?;
    match action {
        ShelfAction::Publish | ShelfAction::Unpublish => {
            publish(&mut tx, creator, product, action == ShelfAction::Publish).await?;
        }
        ShelfAction::Remove if seller == creator => {
            return Err(AppError::Conflict("hide your own products instead".into()))
        }
        ShelfAction::Remove => {
            sqlx::query("DELETE FROM shop_items WHERE creator_id = $1 AND product_id = $2")
                .bind(creator)
                .bind(product)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
        }
        ShelfAction::Up | ShelfAction::Down => {
            let (cmp, order) = match action {
                ShelfAction::Up => ("<", "DESC"),
                _ => (">", "ASC"),
            };
            let neighbour: Option<(i64, i64)> = sqlx::query_as(&format!(
                "SELECT product_id, position FROM shop_items WHERE creator_id = $1
                 AND position {cmp} $2 ORDER BY position {order} LIMIT 1"
            ))
            .bind(creator)
            .bind(position)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
            if let Some((other, other_position)) = neighbour {
                for (id, to) in [(product, other_position), (other, position)] {
                    sqlx::query(
                        "UPDATE shop_items SET position = $1 WHERE creator_id = $2 AND product_id = $3",
                    )
                    .bind(to)
                    .bind(creator)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(internal)?;
                }
            }
        }
    }
    tx.commit().await.map_err(internal)
}

/// A creator adds a brand product to their shop, published, at the rate it has now.
pub async fn promote(db: &Db, creator: i64, product: i64, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await.map_err(internal)?;
    let listed: Option<(Option<i64>, i64)> =
        sqlx::query_as("SELECT commission_bp, active FROM products WHERE id = $1")
            .bind(product)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
    match listed {
        Some((Some(_), 1)) => {}
        Some(_) => return Err(AppError::Conflict("not a brand product on sale".into())),
        None => return Err(AppError::NotFound),
    }
    shelve(&mut tx, creator, product, now).await?;
    publish(&mut tx, creator, product, true).await?;
    tx.commit().await.map_err(internal)
}

/// Shows an item of `creator`'s shelf in their shop, or hides it.
async fn publish(
    conn: &mut AnyConnection,
    creator: i64,
    product: i64,
    shown: bool,
) -> Result<(), AppError> {
    sqlx::query("UPDATE shop_items SET published = $1 WHERE creator_id = $2 AND product_id = $3")
        .bind(i64::from(shown))
        .bind(creator)
        .bind(product)
        .execute(&mut *conn)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Brand products on sale, for creators to choose from; most promoted first.
pub async fn catalogue(db: &Db, viewer: i64) -> Result<Vec<CatalogueItem>, AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT p.id,
           (SELECT COUNT(*) FROM shop_items s WHERE s.product_id = p.id),
           (SELECT COUNT(*) FROM shop_items s WHERE s.product_id = p.id AND s.creator_id = $1)
         FROM products p WHERE p.commission_bp IS NOT NULL AND p.active = 1
         ORDER BY 2 DESC, p.id DESC LIMIT 200",
    )
    .bind(viewer)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut found = products(&mut conn, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, promoters, mine)| {
            Some(CatalogueItem {
                product: found.remove(&id)?,
                in_shop: mine > 0,
                promoters: promoters as u32,
            })
        })
        .collect())
}

/// A brand's products, each with who promotes it and at what rate.
pub async fn brand_products(db: &Db, brand: i64, now: i64) -> Result<Vec<BrandProduct>, AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM products WHERE seller_id = $1 ORDER BY id DESC")
            .bind(brand)
            .fetch_all(&mut *conn)
            .await
            .map_err(internal)?;
    let mut found = products(&mut conn, &ids).await?;
    #[allow(clippy::type_complexity)]
    let promoters: Vec<(i64, String, String, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT s.product_id, u.handle, u.display_name, s.kept_bp, s.kept_until
         FROM shop_items s JOIN products p ON p.id = s.product_id JOIN users u ON u.id = s.creator_id
         WHERE p.seller_id = $1 ORDER BY u.handle",
    )
    .bind(brand)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let mut out: Vec<BrandProduct> = ids
        .iter()
        .filter_map(|id| {
            Some(BrandProduct {
                product: found.remove(id)?,
                promoters: Vec::new(),
            })
        })
        .collect();
    for (product, handle, name, kept_bp, kept_until) in promoters {
        if let Some(p) = out.iter_mut().find(|p| p.product.id == product) {
            let current = p.product.commission_bp.unwrap_or(0);
            let kept = kept(kept_bp, kept_until).filter(|(_, until)| *until > now);
            let bp = rules::effective_rate(current, kept, now);
            p.promoters.push(Promoter {
                handle,
                name,
                bp,
                kept_until: kept.filter(|_| bp > current).map(|(_, until)| until),
            });
        }
    }
    Ok(out)
}

/// What a brand's public page shows of its products: those on sale, each with the creators
/// whose shops sell it (the way to buy it, and pay them their commission).
pub async fn showcase(db: &Db, brand: i64) -> Result<Vec<Showcased>, AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM products WHERE seller_id = $1 AND active = 1 ORDER BY id DESC LIMIT 24",
    )
    .bind(brand)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let mut found = products(&mut conn, &ids).await?;
    let shops: Vec<ShopOf> = sqlx::query_as(
        "SELECT s.product_id, u.handle, u.display_name AS name
         FROM shop_items s JOIN products p ON p.id = s.product_id JOIN users u ON u.id = s.creator_id
         WHERE p.seller_id = $1 AND p.active = 1 AND s.published = 1 ORDER BY u.handle",
    )
    .bind(brand)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let mut out: Vec<Showcased> = ids
        .iter()
        .filter_map(|id| {
            Some(Showcased {
                product: found.remove(id)?,
                shops: Vec::new(),
            })
        })
        .collect();
    for shop in shops {
        if let Some(p) = out.iter_mut().find(|p| p.product.id == shop.product_id) {
            p.shops.push(ShopLink {
                handle: shop.handle,
                name: shop.name,
            });
        }
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct ShopOf {
    product_id: i64,
    handle: String,
    name: String,
}

/// Whether `seller` may add an image to `product`: theirs, with fewer than `MAX_IMAGES`, and
/// the seller under `IMAGES_PER_SELLER` in all. The upload asks before storing anything, and
/// asks again when it records the image.
pub async fn may_add_image(db: &Db, seller: i64, product: i64) -> Result<(), AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    check_image_room(&mut conn, seller, product)
        .await
        .map(|_| ())
}

/// As [`may_add_image`]; returns how many images the product has.
async fn check_image_room(
    conn: &mut AnyConnection,
    seller: i64,
    product: i64,
) -> Result<i64, AppError> {
    let owner: Option<i64> = sqlx::query_scalar("SELECT seller_id FROM products WHERE id = $1")
        .bind(product)
        .fetch_optional(&mut *conn)
        .await
        .map_err(internal)?;
    if owner.ok_or(AppError::NotFound)? != seller {
        return Err(AppError::Forbidden);
    }
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM product_images WHERE product_id = $1")
            .bind(product)
            .fetch_one(&mut *conn)
            .await
            .map_err(internal)?;
    if count >= rules::MAX_IMAGES as i64 {
        return Err(AppError::invalid(
            "images",
            Problem::TooMany {
                max: rules::MAX_IMAGES as u32,
            },
        ));
    }
    let all: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM product_images i JOIN products p ON p.id = i.product_id
         WHERE p.seller_id = $1",
    )
    .bind(seller)
    .fetch_one(&mut *conn)
    .await
    .map_err(internal)?;
    if all >= rules::IMAGES_PER_SELLER {
        return Err(AppError::invalid(
            "images",
            Problem::TooMany {
                max: rules::IMAGES_PER_SELLER as u32,
            },
        ));
    }
    Ok(count)
}

pub async fn add_image(
    db: &Db,
    seller: i64,
    product: i64,
    key: &str,
    now: i64,
) -> Result<String, AppError> {
    let mut tx = db.begin_write().await.map_err(internal)?;
    let count = check_image_room(&mut tx, seller, product).await?;
    sqlx::query(
        "INSERT INTO product_images (product_id, storage_key, position, created_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(product)
    .bind(key)
    .bind(count)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(media_url(key))
}

/// The code of `creator`'s link to product `product_key` (0: the whole shop), made on first use.
pub async fn link(
    conn: &mut AnyConnection,
    creator: i64,
    product_key: i64,
    now: i64,
) -> Result<String, AppError> {
    let find = || {
        sqlx::query_scalar::<_, String>(
            "SELECT code FROM affiliate_links WHERE creator_id = $1 AND product_key = $2",
        )
        .bind(creator)
        .bind(product_key)
    };
    if let Some(code) = find().fetch_optional(&mut *conn).await.map_err(internal)? {
        return Ok(code);
    }
    let code = random_hex(6);
    sqlx::query(
        "INSERT INTO affiliate_links (code, creator_id, product_key, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(&code)
    .bind(creator)
    .bind(product_key)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(internal)?;
    find().fetch_one(&mut *conn).await.map_err(internal)
}

/// Where a link leads, and the token of its click: a visitor's clicks on one link count once a
/// day. `None` for an unknown code.
pub async fn click(
    db: &Db,
    code: &str,
    visitor: &str,
    now: i64,
) -> Result<Option<(String, String)>, AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    let target: Option<(String, i64)> = sqlx::query_as(
        "SELECT u.handle, l.product_key FROM affiliate_links l JOIN users u ON u.id = l.creator_id
         WHERE l.code = $1",
    )
    .bind(code)
    .fetch_optional(&mut *conn)
    .await
    .map_err(internal)?;
    let Some((handle, product)) = target else {
        return Ok(None);
    };
    let day = now.div_euclid(86_400);
    sqlx::query(
        "INSERT INTO link_clicks (token, code, visitor, day, clicked_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (code, visitor, day) DO UPDATE SET clicked_at = $5",
    )
    .bind(random_hex(16))
    .bind(code)
    .bind(visitor)
    .bind(day)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(internal)?;
    let token: String = sqlx::query_scalar(
        "SELECT token FROM link_clicks WHERE code = $1 AND visitor = $2 AND day = $3",
    )
    .bind(code)
    .bind(visitor)
    .bind(day)
    .fetch_one(&mut *conn)
    .await
    .map_err(internal)?;
    let path = match product {
        0 => format!("/@{handle}/shop"),
        id => format!("/@{handle}/shop/{id}"),
    };
    Ok(Some((token, path)))
}

/// The creator a click (by its token) attributes sales to, and the link's code, while the
/// click is less than `window_secs` old.
pub async fn attribution(
    conn: &mut AnyConnection,
    token: &str,
    window_secs: i64,
    now: i64,
) -> Result<Option<(i64, String)>, AppError> {
    sqlx::query_as(
        "SELECT l.creator_id, l.code FROM link_clicks c JOIN affiliate_links l ON l.code = c.code
         WHERE c.token = $1 AND c.clicked_at > $2",
    )
    .bind(token)
    .bind(now - window_secs)
    .fetch_optional(&mut *conn)
    .await
    .map_err(internal)
}
