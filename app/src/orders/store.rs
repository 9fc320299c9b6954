//! Orders' SQL. A checkout reserves stock and writes its orders in one transaction (a guarded
//! decrement: of 200 buyers for the last 5, 5 get them); paying moves the seller's share and
//! holds the creator's commission in the same transaction; every later step is guarded on the
//! state it read, so concurrent steps (a refund and the end of the return window) give one
//! outcome.

use std::collections::BTreeMap;

use sqlx::{Any, AnyConnection, FromRow, Transaction};

use super::rules;
use super::types::*;
use crate::error::{AppError, Problem};
use crate::ledger::store as ledger;
use crate::ledger::types::{
    AccountRef, Currency, Hold, LedgerError, Money, NewTransfer, TransferKind,
};
use crate::notifications::store::notify;
use crate::notifications::types::{Notice, OrderNews};
use crate::ssr::{internal, storage::media_url, Db};
use crate::storefront::rules::commission;
use crate::storefront::store as shelves;

#[derive(FromRow)]
struct Priced {
    variant: i64,
    product: i64,
    title: String,
    variant_name: String,
    image: Option<String>,
    seller_id: i64,
    seller: String,
    price: i64,
    shipping: i64,
    currency: String,
    commission_bp: Option<i64>,
    stock: i64,
    active: i64,
}

/// Today's price, stock and seller of each variant of `lines`.
async fn priced(conn: &mut AnyConnection, lines: &[CartLine]) -> Result<Vec<Priced>, AppError> {
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let list = lines
        .iter()
        .map(|l| l.variant.to_string())
        .collect::<Vec<_>>()
        .join(",");
    sqlx::query_as(&format!(
        "SELECT v.id AS variant, p.id AS product, p.title, v.name AS variant_name,
           (SELECT storage_key FROM product_images i WHERE i.product_id = p.id
            ORDER BY position, id LIMIT 1) AS image,
           p.seller_id, COALESCE(b.company_name, u.display_name) AS seller, p.price, p.shipping,
           p.currency, p.commission_bp, v.stock, p.active
         FROM product_variants v JOIN products p ON p.id = v.product_id
         JOIN users u ON u.id = p.seller_id LEFT JOIN brands b ON b.user_id = p.seller_id
         WHERE v.id IN ({list})"
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)
}

fn eur(currency: &str) -> Result<Currency, AppError> {
    Currency::parse(currency).ok_or_else(|| internal("unknown currency"))
}

/// The cart as it stands: lines whose product is gone are left out.
pub async fn cart(db: &Db, lines: &[CartLine], buyer: Option<i64>) -> Result<Cart, AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    let found = priced(&mut conn, lines).await?;
    let handles: BTreeMap<i64, String> = {
        let shops: Vec<i64> = lines.iter().filter_map(|l| l.shop).collect();
        let mut handles = BTreeMap::new();
        for shop in shops {
            let handle: Option<String> =
                sqlx::query_scalar("SELECT handle FROM users WHERE id = $1")
                    .bind(shop)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(internal)?;
            if let Some(h) = handle {
                handles.insert(shop, h);
            }
        }
        handles
    };
    let (mut subtotal, mut shipping) = (0i64, 0i64);
    let mut items = Vec::new();
    for line in lines {
        let Some(p) = found.iter().find(|p| p.variant == line.variant) else {
            continue;
        };
        let currency = eur(&p.currency)?;
        let line_total = p.price * i64::from(line.quantity);
        subtotal += line_total;
        shipping += p.shipping;
        items.push(CartItem {
            variant: p.variant,
            product: p.product,
            title: p.title.clone(),
            variant_name: p.variant_name.clone(),
            image: p.image.as_deref().map(media_url),
            seller: p.seller.clone(),
            shop_handle: line.shop.and_then(|s| handles.get(&s).cloned()),
            unit_price: Money::new(p.price, currency),
            quantity: line.quantity,
            shipping: Money::new(p.shipping, currency),
            line_total: Money::new(line_total + p.shipping, currency),
            stock: p.stock,
            on_sale: p.active != 0,
        });
    }
    let wallet = match buyer {
        Some(user) => Some(Money::eur(
            ledger::balance(db, AccountRef::wallet(user, Currency::Eur))
                .await
                .map_err(internal)?
                .available(),
        )),
        None => None,
    };
    Ok(Cart {
        items,
        subtotal: Money::eur(subtotal),
        shipping: Money::eur(shipping),
        total: Money::eur(subtotal + shipping),
        wallet,
    })
}

/// What is left of a variant on sale (0 when its product is withdrawn).
pub async fn stock(db: &Db, variant: i64) -> Result<i64, AppError> {
    sqlx::query_scalar(
        "SELECT CASE WHEN p.active = 1 THEN v.stock ELSE 0 END FROM product_variants v
         JOIN products p ON p.id = v.product_id WHERE v.id = $1",
    )
    .bind(variant)
    .fetch_optional(&db.pool)
    .await
    .map_err(internal)?
    .ok_or(AppError::NotFound)
}

/// Where the parcel goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub name: String,
    pub address: String,
}

impl Address {
    /// From the form's `ship_name` and `ship_address` fields.
    pub fn parse(name: &str, address: &str) -> Result<Self, AppError> {
        use crate::accounts::types::parse_text;
        Ok(Self {
            name: parse_text("ship_name", name, 2, 120)?,
            address: parse_text("ship_address", address, 10, 500)?,
        })
    }
}

/// What a checkout asks for.
pub struct CheckoutRequest<'a> {
    pub buyer: i64,
    pub lines: &'a [CartLine],
    /// The token of the buyer's last affiliate click, if any.
    pub click: Option<&'a str>,
    /// The total the buyer was shown: a different one now means a price changed.
    pub expected_total: i64,
    pub ship_to: Address,
    pub pay_with: PayWith,
    pub reserve_secs: i64,
    /// The live event it was bought from, for the event's running totals.
    pub event: Option<i64>,
}

/// One order being formed: a seller, the creator who brought it, and its lines.
#[derive(Default)]
struct Forming {
    link: Option<String>,
    lines: Vec<(CartLine, usize, u32)>,
}

fn random_id(prefix: &str) -> String {
    format!("{prefix}_{}", crate::ssr::random_hex(12))
}

/// Reserves the stock of every line and writes the orders, one per seller and creator who
/// brought the sale; with `PayWith::Wallet`, pays them too. All in one transaction: a line
/// sold out, a changed price or a short wallet leaves nothing behind. Returns the checkout id.
pub async fn checkout(db: &Db, r: &CheckoutRequest<'_>, now: i64) -> Result<String, AppError> {
    if r.lines.is_empty() {
        return Err(AppError::invalid("cart", Problem::Required));
    }
    let mut tx = db.begin_write().await.map_err(internal)?;
    let found = priced(&mut tx, r.lines).await?;
    let attributed = match r.click {
        Some(token) => shelves::attribution(&mut tx, token, rules::ATTRIBUTION_SECS, now).await?,
        None => None,
    };
    let mut total = 0i64;
    let mut orders: BTreeMap<(i64, Option<i64>), Forming> = BTreeMap::new();
    for line in r.lines {
        let field = format!("line_{}", line.variant);
        let index = found
            .iter()
            .position(|p| p.variant == line.variant)
            .ok_or_else(|| AppError::invalid(&field, Problem::SoldOut))?;
        let p = &found[index];
        if p.active == 0 {
            return Err(AppError::invalid(&field, Problem::SoldOut));
        }
        if p.seller_id == r.buyer {
            return Err(AppError::invalid(&field, Problem::OwnProduct));
        }
        total += p.price * i64::from(line.quantity) + p.shipping;
        // A sale in a creator's own shop is theirs; elsewhere, the last click's creator's, if
        // they promote the product. A creator earns nothing on their own merch.
        let mut by = None;
        if let Some(shop) = line.shop {
            if shelves::on_shelf(&mut tx, shop, p.product).await? {
                // Reached through one of their links, the sale counts for that link too.
                let link = attributed
                    .as_ref()
                    .filter(|(creator, _)| *creator == shop)
                    .map(|(_, code)| code.clone());
                by = Some((shop, link));
            }
        }
        if by.is_none() {
            if let Some((creator, code)) = &attributed {
                if shelves::rate_for(&mut tx, *creator, p.product, now)
                    .await?
                    .is_some()
                {
                    by = Some((*creator, Some(code.clone())));
                }
            }
        }
        // Nobody earns a commission on what they buy themselves: a creator may buy a brand's
        // product from their own shop, at its price, but it brings them nothing.
        let by = by.filter(|(creator, _)| {
            *creator != p.seller_id && *creator != r.buyer && p.commission_bp.is_some()
        });
        let rate = match &by {
            Some((creator, _)) => shelves::rate_for(&mut tx, *creator, p.product, now)
                .await?
                .unwrap_or(0),
            None => 0,
        };
        let order = orders
            .entry((p.seller_id, by.as_ref().map(|b| b.0)))
            .or_default();
        if let Some((_, Some(code))) = by {
            order.link = Some(code);
        }
        order.lines.push((*line, index, rate));
    }
    if total != r.expected_total {
        return Err(AppError::invalid("total", Problem::PriceChanged));
    }
    let checkout_id = random_id("co");
    for ((seller, creator), forming) in orders {
        let order = write_order(
            &mut tx,
            r,
            &checkout_id,
            seller,
            creator,
            &forming,
            &found,
            now,
        )
        .await?;
        if r.pay_with == PayWith::Wallet {
            pay(&mut tx, order, now).await?;
        }
    }
    tx.commit().await.map_err(internal)?;
    Ok(checkout_id)
}

#[allow(clippy::too_many_arguments)]
async fn write_order(
    tx: &mut Transaction<'_, Any>,
    r: &CheckoutRequest<'_>,
    checkout_id: &str,
    seller: i64,
    creator: Option<i64>,
    forming: &Forming,
    found: &[Priced],
    now: i64,
) -> Result<i64, AppError> {
    let mut total = 0;
    let mut earned = 0;
    for (line, index, rate) in &forming.lines {
        let p = &found[*index];
        let items = p.price * i64::from(line.quantity);
        total += items + p.shipping;
        earned += commission(items, *rate);
    }
    let currency = eur(&found[forming.lines[0].1].currency)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO orders (public_id, checkout_id, buyer_id, seller_id, creator_id, link_code,
           state, currency, total, commission, ship_name, ship_address, reserved_until,
           event_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10, $11, $12, $14, $13, $13)
         RETURNING id",
    )
    .bind(random_id("ord"))
    .bind(checkout_id)
    .bind(r.buyer)
    .bind(seller)
    .bind(creator)
    .bind(&forming.link)
    .bind(currency.as_str())
    .bind(total)
    .bind(earned)
    .bind(&r.ship_to.name)
    .bind(&r.ship_to.address)
    .bind(now + r.reserve_secs)
    .bind(now)
    .bind(r.event)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    for (line, index, rate) in &forming.lines {
        let p = &found[*index];
        reserve(tx, line.variant, line.quantity).await?;
        sqlx::query(
            "INSERT INTO order_lines (order_id, product_id, variant_id, title, variant, quantity,
               unit_price, shipping, commission_bp, commission)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(p.product)
        .bind(p.variant)
        .bind(&p.title)
        .bind(&p.variant_name)
        .bind(i64::from(line.quantity))
        .bind(p.price)
        .bind(p.shipping)
        .bind(i64::from(*rate))
        .bind(commission(p.price * i64::from(line.quantity), *rate))
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    }
    Ok(id)
}

/// Takes `quantity` from a variant's stock, if that many are left.
async fn reserve(
    tx: &mut Transaction<'_, Any>,
    variant: i64,
    quantity: u32,
) -> Result<(), AppError> {
    let taken =
        sqlx::query("UPDATE product_variants SET stock = stock - $1 WHERE id = $2 AND stock >= $1")
            .bind(i64::from(quantity))
            .bind(variant)
            .execute(&mut **tx)
            .await
            .map_err(internal)?;
    if taken.rows_affected() == 1 {
        return Ok(());
    }
    let left: i64 = sqlx::query_scalar("SELECT stock FROM product_variants WHERE id = $1")
        .bind(variant)
        .fetch_one(&mut **tx)
        .await
        .map_err(internal)?;
    let field = format!("line_{variant}");
    Err(match left {
        0 => AppError::invalid(&field, Problem::SoldOut),
        left => AppError::invalid(&field, Problem::NotEnoughStock { left }),
    })
}

#[derive(FromRow)]
struct OrderRow {
    id: i64,
    public_id: String,
    buyer_id: i64,
    seller_id: i64,
    creator_id: Option<i64>,
    state: String,
    currency: String,
    total: i64,
    commission: i64,
    refunded: i64,
    clawed: i64,
    hold_id: Option<i64>,
    commission_released: i64,
}

const ORDER_COLUMNS: &str =
    "id, public_id, buyer_id, seller_id, creator_id, state, currency, total,
    commission, refunded, clawed, hold_id, commission_released";

async fn order_row(conn: &mut AnyConnection, id: i64) -> Result<OrderRow, AppError> {
    sqlx::query_as(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

fn state(s: &str) -> Result<OrderState, AppError> {
    OrderState::parse(s).ok_or_else(|| internal("unknown order state"))
}

/// Pays a pending order from its buyer's wallet: the seller's share moves to their earnings,
/// the creator's commission is held until the return window ends.
async fn pay(tx: &mut Transaction<'_, Any>, id: i64, now: i64) -> Result<(), AppError> {
    let o = order_row(tx, id).await?;
    rules::next(state(&o.state)?, OrderStep::Pay)?;
    let changed = sqlx::query(
        "UPDATE orders SET state = 'paid', paid_at = $1, updated_at = $1 WHERE id = $2 AND state = 'pending'",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    if changed.rows_affected() == 0 {
        return Err(AppError::Conflict("the order changed meanwhile".into()));
    }
    let currency = eur(&o.currency)?;
    let cause = format!("order:{}", o.public_id);
    let mut batch = vec![NewTransfer {
        key: format!("order:{id}:pay"),
        debit: AccountRef::wallet(o.buyer_id, currency),
        credit: AccountRef::earnings(o.seller_id, currency),
        amount: Money::new(o.total - o.commission, currency),
        kind: TransferKind::Purchase,
        cause: cause.clone(),
        hold: None,
    }];
    let creator = o.creator_id.filter(|_| o.commission > 0);
    if let Some(creator) = creator {
        batch.push(NewTransfer {
            key: format!("order:{id}:commission:0"),
            debit: AccountRef::wallet(o.buyer_id, currency),
            credit: AccountRef::earnings(creator, currency),
            amount: Money::new(o.commission, currency),
            kind: TransferKind::Commission,
            cause,
            hold: Some(Hold { expires_at: None }),
        });
    }
    let done = ledger::transfer(tx, &batch, now)
        .await
        .map_err(|e| match e {
            LedgerError::InsufficientFunds { .. } => {
                AppError::invalid("pay", Problem::InsufficientFunds)
            }
            other => internal(other),
        })?;
    if creator.is_some() {
        sqlx::query("UPDATE orders SET hold_id = $1 WHERE id = $2")
            .bind(done[1].id)
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(internal)?;
    }
    let total = Money::new(o.total, currency);
    tell(tx, o.buyer_id, &o.public_id, OrderNews::Paid, total, now).await?;
    tell(tx, o.seller_id, &o.public_id, OrderNews::Sold, total, now).await
}

async fn tell(
    conn: &mut AnyConnection,
    user: i64,
    order: &str,
    news: OrderNews,
    amount: Money,
    now: i64,
) -> Result<(), AppError> {
    let notice = Notice::Order {
        id: order.to_owned(),
        news,
        amount,
    };
    notify(conn, user, &notice, now).await
}

/// The orders of a checkout, with their state, for `buyer`.
async fn checkout_orders(
    conn: &mut AnyConnection,
    checkout: &str,
    buyer: i64,
) -> Result<Vec<(i64, String, i64)>, AppError> {
    sqlx::query_as(
        "SELECT id, state, total FROM orders WHERE checkout_id = $1 AND buyer_id = $2 ORDER BY id",
    )
    .bind(checkout)
    .bind(buyer)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)
}

/// What `buyer` owes for a checkout still waiting for its payment.
pub async fn to_pay(db: &Db, checkout: &str, buyer: i64) -> Result<Money, AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    let orders = checkout_orders(&mut conn, checkout, buyer).await?;
    if orders.is_empty() {
        return Err(AppError::NotFound);
    }
    if orders.iter().any(|(_, s, _)| s != "pending") {
        return Err(AppError::Conflict(
            "this checkout is not waiting for a payment".into(),
        ));
    }
    Ok(Money::eur(orders.iter().map(|o| o.2).sum()))
}

/// Pays a checkout's orders from the wallet a card payment just topped up, under a savepoint:
/// a checkout that expired meanwhile is left as it is and the money stays in the wallet.
pub async fn pay_checkout(
    tx: &mut Transaction<'_, Any>,
    checkout: &str,
    buyer: i64,
    now: i64,
) -> Result<(), AppError> {
    use sqlx::Connection;
    let mut savepoint = tx.begin().await.map_err(internal)?;
    let orders = checkout_orders(&mut savepoint, checkout, buyer).await?;
    let mut outcome = Ok(());
    for (id, _, _) in orders {
        outcome = pay(&mut savepoint, id, now).await;
        if outcome.is_err() {
            break;
        }
    }
    match outcome {
        Ok(()) => savepoint.commit().await.map_err(internal),
        Err(e) => {
            tracing::warn!(checkout, "a card payment could not pay its checkout: {e}");
            savepoint.rollback().await.map_err(internal)
        }
    }
}

/// Gives back the stock of pending orders whose reservation ended by `now`; returns how many
/// expired. An order paid at that moment is skipped.
pub async fn expire_due(db: &Db, now: i64) -> Result<u64, AppError> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM orders WHERE state = 'pending' AND reserved_until <= $1 ORDER BY id LIMIT 500",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    let mut expired = 0;
    for id in due {
        let mut tx = db.begin_write().await.map_err(internal)?;
        let changed = sqlx::query(
            "UPDATE orders SET state = 'expired', updated_at = $1 WHERE id = $2 AND state = 'pending'",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        if changed.rows_affected() == 1 {
            sqlx::query(
                "UPDATE product_variants SET stock = stock + (
                   SELECT COALESCE(SUM(quantity), 0) FROM order_lines l
                   WHERE l.order_id = $1 AND l.variant_id = product_variants.id)
                 WHERE id IN (SELECT variant_id FROM order_lines WHERE order_id = $1)",
            )
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
            expired += 1;
        }
        tx.commit().await.map_err(internal)?;
    }
    Ok(expired)
}

/// The seller ships an order, with the carrier and tracking number.
pub async fn ship(
    db: &Db,
    seller: i64,
    public_id: &str,
    carrier: &str,
    tracking: &str,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await.map_err(internal)?;
    let o = by_public_id(&mut tx, public_id).await?;
    if o.seller_id != seller {
        return Err(refusal(&o, seller));
    }
    rules::next(state(&o.state)?, OrderStep::Ship)?;
    guarded(
        &mut tx,
        "UPDATE orders SET state = 'shipped', carrier = $1, tracking = $2, shipped_at = $3,
           updated_at = $3 WHERE id = $4 AND state = 'paid'",
        |q| q.bind(carrier).bind(tracking).bind(now).bind(o.id),
    )
    .await?;
    let total = Money::new(o.total, eur(&o.currency)?);
    tell(
        &mut tx,
        o.buyer_id,
        public_id,
        OrderNews::Shipped,
        total,
        now,
    )
    .await?;
    tx.commit().await.map_err(internal)
}

/// The seller or the buyer says the parcel arrived: the return window starts.
pub async fn deliver(
    db: &Db,
    user: i64,
    public_id: &str,
    return_secs: i64,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await.map_err(internal)?;
    let o = by_public_id(&mut tx, public_id).await?;
    if o.seller_id != user && o.buyer_id != user {
        return Err(refusal(&o, user));
    }
    rules::next(state(&o.state)?, OrderStep::Deliver)?;
    guarded(
        &mut tx,
        "UPDATE orders SET state = 'delivered', delivered_at = $1, returns_until = $2,
           updated_at = $1 WHERE id = $3 AND state = 'shipped'",
        |q| q.bind(now).bind(now + return_secs).bind(o.id),
    )
    .await?;
    tx.commit().await.map_err(internal)
}

type AnyQuery<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>;

/// Runs a guarded update; no row changed means someone else changed the order first.
async fn guarded<'q>(
    tx: &mut Transaction<'_, Any>,
    sql: &'q str,
    bind: impl FnOnce(AnyQuery<'q>) -> AnyQuery<'q>,
) -> Result<(), AppError> {
    let changed = bind(sqlx::query(sql))
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    if changed.rows_affected() == 0 {
        return Err(AppError::Conflict("the order changed meanwhile".into()));
    }
    Ok(())
}

/// Why `user` may not take a step on order `o`: a party gets `Forbidden`; to anyone else the
/// order does not exist.
fn refusal(o: &OrderRow, user: i64) -> AppError {
    if [Some(o.buyer_id), Some(o.seller_id), o.creator_id].contains(&Some(user)) {
        AppError::Forbidden
    } else {
        AppError::NotFound
    }
}

async fn by_public_id(conn: &mut AnyConnection, public_id: &str) -> Result<OrderRow, AppError> {
    sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE public_id = $1"
    ))
    .bind(public_id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(internal)?
    .ok_or(AppError::NotFound)
}

/// The seller refunds `amount` (all that is left when `None`) to the buyer's wallet. The
/// commission shrinks in proportion: still held, the hold is replaced by a smaller one; already
/// released, the difference is clawed back from the creator's earnings.
pub async fn refund(
    db: &Db,
    seller: i64,
    public_id: &str,
    amount: Option<i64>,
    now: i64,
) -> Result<OrderState, AppError> {
    let mut tx = db.begin_write().await.map_err(internal)?;
    let o = by_public_id(&mut tx, public_id).await?;
    if o.seller_id != seller {
        return Err(refusal(&o, seller));
    }
    let left = o.total - o.refunded;
    let amount = amount.unwrap_or(left);
    if amount <= 0 {
        return Err(AppError::invalid("amount", Problem::InvalidAmount));
    }
    if amount > left {
        return Err(AppError::invalid(
            "amount",
            Problem::AmountTooLarge { max_minor: left },
        ));
    }
    let step = if amount == left {
        OrderStep::RefundAll
    } else {
        OrderStep::RefundPart
    };
    let to = rules::next(state(&o.state)?, step)?;
    let claw = rules::clawback(o.commission, o.total, o.refunded, amount);
    let released = o.commission_released != 0;
    // Guarded on what was read: a concurrent refund or commission release makes this one lose.
    guarded(
        &mut tx,
        "UPDATE orders SET state = $1, refunded = refunded + $2, clawed = clawed + $3,
           updated_at = $4 WHERE id = $5 AND refunded = $6 AND commission_released = $7",
        |q| {
            q.bind(to.as_str())
                .bind(amount)
                .bind(claw)
                .bind(now)
                .bind(o.id)
                .bind(o.refunded)
                .bind(o.commission_released)
        },
    )
    .await?;
    let currency = eur(&o.currency)?;
    let buyer = AccountRef::wallet(o.buyer_id, currency);
    let cause = format!("order:{}", o.public_id);
    let step_key = |what: &str| format!("order:{}:{what}:{}", o.id, o.refunded);
    let mut batch = Vec::new();
    if amount > claw {
        batch.push(NewTransfer {
            key: step_key("refund"),
            debit: AccountRef::earnings(o.seller_id, currency),
            credit: buyer,
            amount: Money::new(amount - claw, currency),
            kind: TransferKind::Refund,
            cause: cause.clone(),
            hold: None,
        });
    }
    let creator = o.creator_id;
    if let (Some(creator), true, true) = (creator, claw > 0, released) {
        batch.push(NewTransfer {
            key: step_key("clawback"),
            debit: AccountRef::earnings(creator, currency),
            credit: buyer,
            amount: Money::new(claw, currency),
            kind: TransferKind::Clawback,
            cause: cause.clone(),
            hold: None,
        });
    }
    if !batch.is_empty() {
        ledger::transfer(&mut tx, &batch, now)
            .await
            .map_err(|e| match e {
                LedgerError::InsufficientFunds { .. } => {
                    AppError::invalid("amount", Problem::InsufficientFunds)
                }
                other => internal(other),
            })?;
    }
    if let (Some(creator), Some(hold), false) = (creator, o.hold_id, released) {
        if claw > 0 {
            // The held commission shrinks: void it and hold what remains.
            ledger::void(&mut tx, hold, now).await.map_err(internal)?;
            let remaining = o.commission - o.clawed - claw;
            let new_hold = match remaining {
                0 => None,
                remaining => {
                    let held = ledger::transfer(
                        &mut tx,
                        &[NewTransfer {
                            key: format!("order:{}:commission:{}", o.id, o.clawed + claw),
                            debit: buyer,
                            credit: AccountRef::earnings(creator, currency),
                            amount: Money::new(remaining, currency),
                            kind: TransferKind::Commission,
                            cause,
                            hold: Some(Hold { expires_at: None }),
                        }],
                        now,
                    )
                    .await
                    .map_err(internal)?;
                    Some(held[0].id)
                }
            };
            sqlx::query("UPDATE orders SET hold_id = $1 WHERE id = $2")
                .bind(new_hold)
                .bind(o.id)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
        }
    }
    tell(
        &mut tx,
        o.buyer_id,
        public_id,
        OrderNews::Refunded,
        Money::new(amount, currency),
        now,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(to)
}

#[derive(FromRow)]
struct HeldRow {
    amount: i64,
    first: Option<i64>,
}

/// The commissions `creator` earned in `currency` that are still held, if any.
pub async fn held_commissions(
    db: &Db,
    creator: i64,
    currency: Currency,
) -> Result<Option<HeldCommissions>, AppError> {
    let row: HeldRow = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(commission - clawed), 0) AS BIGINT) AS amount,
           MIN(returns_until) AS first
         FROM orders WHERE creator_id = $1 AND currency = $2 AND commission_released = 0
           AND hold_id IS NOT NULL AND commission > clawed",
    )
    .bind(creator)
    .bind(currency.as_str())
    .fetch_one(&db.pool)
    .await
    .map_err(internal)?;
    Ok((row.amount > 0).then(|| HeldCommissions {
        amount: Money::new(row.amount, currency),
        first_available_at: row.first,
    }))
}

/// Releases to the creators the commissions of orders whose return window ended by `now`;
/// returns how many. An order refunded at that moment is skipped, and released on a later
/// run if some commission is left.
pub async fn release_due(db: &Db, now: i64) -> Result<u64, AppError> {
    let due: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, hold_id FROM orders WHERE commission_released = 0 AND hold_id IS NOT NULL
           AND returns_until <= $1 ORDER BY id LIMIT 500",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    let mut released = 0;
    for (id, hold) in due {
        let mut tx = db.begin_write().await.map_err(internal)?;
        let won = sqlx::query(
            "UPDATE orders SET commission_released = 1, updated_at = $1
             WHERE id = $2 AND commission_released = 0 AND hold_id = $3",
        )
        .bind(now)
        .bind(id)
        .bind(hold)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        if won.rows_affected() == 1 {
            ledger::post(&mut tx, hold, None, now)
                .await
                .map_err(internal)?;
            released += 1;
        }
        tx.commit().await.map_err(internal)?;
    }
    Ok(released)
}

#[derive(FromRow)]
struct ViewRow {
    public_id: String,
    checkout_id: String,
    state: String,
    buyer_id: i64,
    seller_id: i64,
    creator_id: Option<i64>,
    seller: String,
    buyer: String,
    creator: Option<String>,
    currency: String,
    total: i64,
    commission: i64,
    refunded: i64,
    clawed: i64,
    commission_released: i64,
    ship_name: String,
    ship_address: String,
    carrier: Option<String>,
    tracking: Option<String>,
    created_at: i64,
    reserved_until: i64,
    paid_at: Option<i64>,
    shipped_at: Option<i64>,
    delivered_at: Option<i64>,
    returns_until: Option<i64>,
    id: i64,
}

const VIEW_SELECT: &str = "SELECT o.id, o.public_id, o.checkout_id, o.state, o.buyer_id,
    o.seller_id, o.creator_id, COALESCE(b.company_name, s.display_name) AS seller,
    bu.display_name AS buyer, c.handle AS creator, o.currency, o.total, o.commission, o.refunded,
    o.clawed, o.commission_released, o.ship_name, o.ship_address, o.carrier, o.tracking,
    o.created_at, o.reserved_until, o.paid_at, o.shipped_at, o.delivered_at, o.returns_until
    FROM orders o JOIN users s ON s.id = o.seller_id LEFT JOIN brands b ON b.user_id = o.seller_id
    JOIN users bu ON bu.id = o.buyer_id LEFT JOIN users c ON c.id = o.creator_id";

impl ViewRow {
    fn viewer(&self, user: i64) -> Option<OrderRole> {
        if user == self.seller_id {
            Some(OrderRole::Seller)
        } else if user == self.buyer_id {
            Some(OrderRole::Buyer)
        } else if Some(user) == self.creator_id {
            Some(OrderRole::Creator)
        } else {
            None
        }
    }
}

async fn view(conn: &mut AnyConnection, r: ViewRow, user: i64) -> Result<Order, AppError> {
    let viewer = r.viewer(user).ok_or(AppError::NotFound)?;
    let currency = eur(&r.currency)?;
    let m = |minor| Money::new(minor, currency);
    #[allow(clippy::type_complexity)]
    let lines: Vec<(i64, String, String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT product_id, title, variant, quantity, unit_price, shipping, commission_bp
         FROM order_lines WHERE order_id = $1 ORDER BY id",
    )
    .bind(r.id)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let private = viewer != OrderRole::Creator;
    Ok(Order {
        id: r.public_id,
        checkout: r.checkout_id,
        state: state(&r.state)?,
        viewer,
        seller: r.seller,
        buyer: if private { r.buyer } else { String::new() },
        creator: r.creator,
        lines: lines
            .into_iter()
            .map(
                |(product, title, variant, quantity, unit, shipping, bp)| OrderLine {
                    product,
                    title,
                    variant,
                    quantity: quantity as u32,
                    unit_price: m(unit),
                    shipping: m(shipping),
                    commission_bp: bp as u32,
                },
            )
            .collect(),
        total: m(r.total),
        commission: m(r.commission),
        refunded: m(r.refunded),
        clawed: m(r.clawed),
        commission_released: r.commission_released != 0,
        ship_name: private.then_some(r.ship_name),
        ship_address: private.then_some(r.ship_address),
        carrier: r.carrier,
        tracking: r.tracking,
        created_at: r.created_at,
        reserved_until: r.reserved_until,
        paid_at: r.paid_at,
        shipped_at: r.shipped_at,
        delivered_at: r.delivered_at,
        returns_until: r.returns_until,
    })
}

/// One order, for its buyer, seller or the creator who brought it.
pub async fn order(db: &Db, public_id: &str, user: i64) -> Result<Order, AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    let r: ViewRow = sqlx::query_as(&format!("{VIEW_SELECT} WHERE o.public_id = $1"))
        .bind(public_id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    view(&mut conn, r, user).await
}

/// What a checkout made, for its buyer.
pub async fn checkout_view(db: &Db, checkout: &str, buyer: i64) -> Result<Checkout, AppError> {
    let mut conn = db.pool.acquire().await.map_err(internal)?;
    let rows: Vec<ViewRow> = sqlx::query_as(&format!(
        "{VIEW_SELECT} WHERE o.checkout_id = $1 AND o.buyer_id = $2 ORDER BY o.id"
    ))
    .bind(checkout)
    .bind(buyer)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    let mut orders = Vec::with_capacity(rows.len());
    for r in rows {
        orders.push(view(&mut conn, r, buyer).await?);
    }
    let total = Money::eur(orders.iter().map(|o| o.total.minor).sum());
    Ok(Checkout {
        id: checkout.to_owned(),
        orders,
        total,
    })
}

/// `user`'s orders: what they bought, sold, and brought (newest first, 200 at most).
pub async fn orders(db: &Db, user: i64) -> Result<Vec<OrderSummary>, AppError> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        String,
        String,
        i64,
        i64,
        String,
        String,
        String,
        i64,
        i64,
        i64,
        String,
        i64,
    )> = sqlx::query_as(
        "SELECT o.public_id, o.state, o.buyer_id, o.seller_id,
               COALESCE(b.company_name, s.display_name), bu.display_name, o.currency, o.total,
               o.commission, o.created_at,
               (SELECT title FROM order_lines l WHERE l.order_id = o.id ORDER BY id LIMIT 1),
               (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id)
             FROM orders o JOIN users s ON s.id = o.seller_id
             LEFT JOIN brands b ON b.user_id = o.seller_id JOIN users bu ON bu.id = o.buyer_id
             WHERE o.buyer_id = $1 OR o.seller_id = $1 OR o.creator_id = $1
             ORDER BY o.id DESC LIMIT 200",
    )
    .bind(user)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    rows.into_iter()
        .map(
            |(
                id,
                st,
                buyer,
                seller,
                seller_name,
                buyer_name,
                currency,
                total,
                commission,
                at,
                first,
                lines,
            )| {
                let currency = eur(&currency)?;
                let viewer = if seller == user {
                    OrderRole::Seller
                } else if buyer == user {
                    OrderRole::Buyer
                } else {
                    OrderRole::Creator
                };
                Ok(OrderSummary {
                    id,
                    state: state(&st)?,
                    viewer,
                    counterpart: match viewer {
                        OrderRole::Buyer | OrderRole::Creator => seller_name,
                        OrderRole::Seller => buyer_name,
                    },
                    items: match lines {
                        1 => first,
                        n => format!("{first} +{}", n - 1),
                    },
                    total: Money::new(total, currency),
                    commission: Money::new(commission, currency),
                    created_at: at,
                })
            },
        )
        .collect()
}
