//! What the cart, checkout and order pages show.

use serde::{Deserialize, Serialize};

use crate::ledger::types::Money;
use crate::ui::chart::MonthTotal;

/// A line of the cart as the session keeps it: what, how many, and from whose shop. Never a
/// price: prices are read again every time the cart is shown and at checkout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub variant: i64,
    pub quantity: u32,
    /// The creator whose shop it was added from: a sale there is theirs.
    pub shop: Option<i64>,
}

/// A cart line as shown, with today's price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartItem {
    pub variant: i64,
    pub product: i64,
    pub title: String,
    pub variant_name: String,
    pub image: Option<String>,
    pub seller: String,
    /// The shop's handle, to link back to the product.
    pub shop_handle: Option<String>,
    pub unit_price: Money,
    pub quantity: u32,
    pub shipping: Money,
    pub line_total: Money,
    /// Stock left, so the page can say when the quantity is more than there is.
    pub stock: i64,
    pub on_sale: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    pub items: Vec<CartItem>,
    pub subtotal: Money,
    pub shipping: Money,
    pub total: Money,
    /// What the buyer can spend from their wallet, when logged in.
    pub wallet: Option<Money>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Stock reserved, waiting for the payment.
    Pending,
    Paid,
    Shipped,
    Delivered,
    Refunded,
    /// Not paid in time: the stock went back.
    Expired,
}

impl OrderState {
    pub const ALL: [OrderState; 6] = [
        Self::Pending,
        Self::Paid,
        Self::Shipped,
        Self::Delivered,
        Self::Refunded,
        Self::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Paid => "paid",
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
            Self::Refunded => "refunded",
            Self::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// What happens to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStep {
    Pay,
    Expire,
    Ship,
    Deliver,
    /// A refund of part of what was paid; `RefundAll` of the rest.
    RefundPart,
    RefundAll,
}

/// Who is looking at an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderRole {
    Buyer,
    Seller,
    /// The creator who brought the sale (they see it, not the address).
    Creator,
}

/// How the buyer pays at checkout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayWith {
    Wallet,
    Card,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub product: i64,
    pub title: String,
    pub variant: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub shipping: Money,
    pub commission_bp: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: String,
    pub checkout: String,
    pub state: OrderState,
    pub viewer: OrderRole,
    pub seller: String,
    pub buyer: String,
    /// The handle of the creator who brought the sale.
    pub creator: Option<String>,
    pub lines: Vec<OrderLine>,
    pub total: Money,
    pub commission: Money,
    pub refunded: Money,
    pub clawed: Money,
    pub commission_released: bool,
    /// Shown to the buyer and the seller only.
    pub ship_name: Option<String>,
    pub ship_address: Option<String>,
    pub carrier: Option<String>,
    pub tracking: Option<String>,
    pub created_at: i64,
    pub reserved_until: i64,
    pub paid_at: Option<i64>,
    pub shipped_at: Option<i64>,
    pub delivered_at: Option<i64>,
    pub returns_until: Option<i64>,
}

/// An order in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub id: String,
    pub state: OrderState,
    pub viewer: OrderRole,
    /// The other side: the seller for a buyer, the buyer for a seller.
    pub counterpart: String,
    pub items: String,
    pub total: Money,
    pub commission: Money,
    pub created_at: i64,
}

/// What a checkout made: one order per seller (and creator who brought the sale).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkout {
    pub id: String,
    pub orders: Vec<Order>,
    pub total: Money,
}

/// One line of a report: a product, a link or a creator, with what it brought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLine {
    /// The product's title, or the creator's handle; empty for the whole shop, or for sales
    /// no creator brought.
    pub label: String,
    /// The affiliate link's code, on link lines.
    pub link: Option<String>,
    pub clicks: u64,
    pub orders: u64,
    pub units: u64,
    /// Orders per click, in basis points, where there were clicks.
    pub conversion_bp: Option<u32>,
    pub sales: Money,
    pub commission: Money,
}

/// What a creator's links and shop brought them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommissionReport {
    pub clicks: u64,
    pub orders: u64,
    /// Orders through links per click, in basis points.
    pub conversion_bp: u32,
    /// Held until the return window ends.
    pub pending: Money,
    /// Released to their earnings, net of clawbacks.
    pub available: Money,
    pub by_product: Vec<ReportLine>,
    pub by_link: Vec<ReportLine>,
    /// Commission per month of payment, net of clawbacks.
    pub monthly: Vec<MonthTotal>,
}

/// What a seller sold, net of refunds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesReport {
    pub orders: u64,
    pub sales: Money,
    /// Paid to the creators who brought the sales.
    pub commission: Money,
    pub by_creator: Vec<ReportLine>,
    pub by_product: Vec<ReportLine>,
    pub monthly: Vec<MonthTotal>,
}

/// A creator's or a brand's shop report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopReport {
    /// For creators.
    pub commissions: Option<CommissionReport>,
    /// For sellers (brands, and creators who sold merch).
    pub sales: Option<SalesReport>,
}

/// Commissions a creator earned that are still held until their orders' return windows end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldCommissions {
    pub amount: crate::ledger::types::Money,
    /// When the first of them becomes available: none while no order is delivered yet.
    pub first_available_at: Option<i64>,
}
