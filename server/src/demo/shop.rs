//! Demo shops: creators' merch and brand products with commissions, creators promoting some,
//! and orders in every state, placed and moved through the same steps (and the same ledger
//! transfers) as real ones, at the times they would have happened.

use app::error::AppError;
use app::ledger::types::Money;
use app::orders::store::{self as orders, Address, CheckoutRequest};
use app::orders::types::{CartLine, PayWith};
use app::ssr::AppState;
use app::storefront::store::{self as shelves, NewProduct};
use app::storefront::types::ShelfAction;
use bytes::Bytes;

const DAY: i64 = 24 * 3600;

struct Item {
    seller: &'static str,
    title: &'static str,
    description: &'static str,
    euros: i64,
    shipping_cents: i64,
    commission_bp: Option<u32>,
    variants: &'static [(&'static str, i64)],
    image: (&'static str, &'static [u8]),
    /// Creators who promote it (for brand products).
    promoted_by: &'static [&'static str],
}

macro_rules! picture {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!("../../demo/products/", $name, ".png")),
        )
    };
}

const ITEMS: &[Item] = &[
    Item {
        seller: "julien_velo",
        title: "T-shirt « Roule ma poule »",
        description: "Coton bio, sérigraphié à Lille. Coupe droite, taille normalement.",
        euros: 25,
        shipping_cents: 490,
        commission_bp: None,
        variants: &[("S", 6), ("M", 12), ("L", 8), ("XL", 0)],
        image: picture!("tee"),
        promoted_by: &[],
    },
    Item {
        seller: "julien_velo",
        title: "Casquette de cycliste",
        description: "La casquette en coton que je porte sous le casque, visière courte.",
        euros: 18,
        shipping_cents: 290,
        commission_bp: None,
        variants: &[("", 20)],
        image: picture!("cap"),
        promoted_by: &[],
    },
    Item {
        seller: "camille_cuisine",
        title: "Tablier brodé",
        description: "Lin lavé, poche ventrale, brodé main « Cuisine de saison ».",
        euros: 32,
        shipping_cents: 490,
        commission_bp: None,
        variants: &[("", 15)],
        image: picture!("apron"),
        promoted_by: &[],
    },
    Item {
        seller: "camille_cuisine",
        title: "Carnet de recettes de saison",
        description: "52 recettes, une par semaine, avec les fiches courses.",
        euros: 18,
        shipping_cents: 0,
        commission_bp: None,
        variants: &[("", 40)],
        image: picture!("notebook"),
        promoted_by: &[],
    },
    Item {
        seller: "lucas_music",
        title: "Vinyle « Sessions du mardi »",
        description: "Dix reprises enregistrées en live, pressage 180 g, pochette signée.",
        euros: 24,
        shipping_cents: 550,
        commission_bp: None,
        variants: &[("", 30)],
        image: picture!("vinyl"),
        promoted_by: &[],
    },
    Item {
        seller: "velocita",
        title: "Bidon isotherme 750 ml",
        description: "Double paroi, garde l’eau fraîche deux heures. Sans BPA.",
        euros: 15,
        shipping_cents: 0,
        commission_bp: Some(1_500),
        variants: &[("", 60)],
        image: picture!("bottle"),
        promoted_by: &["julien_velo"],
    },
    Item {
        seller: "velocita",
        title: "Maillot gravel Strada",
        description: "Tissu respirant, trois poches dorsales, zip intégral.",
        euros: 59,
        shipping_cents: 0,
        commission_bp: Some(1_200),
        variants: &[("S", 5), ("M", 9), ("L", 6)],
        image: picture!("jersey"),
        promoted_by: &["julien_velo", "mael_voyage"],
    },
    Item {
        seller: "velocita",
        title: "Gants d’été",
        description: "Paume rembourrée, dos en mesh.",
        euros: 29,
        shipping_cents: 0,
        commission_bp: Some(1_000),
        variants: &[("M", 10), ("L", 10)],
        image: picture!("gloves"),
        promoted_by: &["julien_velo"],
    },
    Item {
        seller: "maison_lumiere",
        title: "Bougie « Figuier »",
        description: "Cire végétale, 40 heures de combustion, coulée à Grasse.",
        euros: 24,
        shipping_cents: 390,
        commission_bp: Some(2_000),
        variants: &[("", 30)],
        image: picture!("candle"),
        promoted_by: &["amina_style", "ines_beauty"],
    },
];

/// How far a demo order went.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reached {
    /// Waiting for a card payment (it expires a quarter of an hour after loading).
    Pending,
    Paid,
    Shipped,
    Delivered,
    Refunded,
    Expired,
}

struct Sale {
    buyer: &'static str,
    product: &'static str,
    variant: &'static str,
    quantity: u32,
    /// In whose shop it was bought.
    shop: Option<&'static str>,
    days_ago: i64,
    reached: Reached,
}

const SALES: &[Sale] = &[
    Sale {
        buyer: "nina",
        product: "Maillot gravel Strada",
        variant: "M",
        quantity: 1,
        shop: Some("julien_velo"),
        days_ago: 60,
        reached: Reached::Delivered,
    },
    Sale {
        buyer: "tom",
        product: "Bidon isotherme 750 ml",
        variant: "",
        quantity: 1,
        shop: Some("julien_velo"),
        days_ago: 30,
        reached: Reached::Refunded,
    },
    Sale {
        buyer: "lea",
        product: "T-shirt « Roule ma poule »",
        variant: "M",
        quantity: 1,
        shop: Some("julien_velo"),
        days_ago: 20,
        reached: Reached::Delivered,
    },
    Sale {
        buyer: "tom",
        product: "Bidon isotherme 750 ml",
        variant: "",
        quantity: 2,
        shop: Some("julien_velo"),
        days_ago: 10,
        reached: Reached::Delivered,
    },
    Sale {
        buyer: "nina",
        product: "Gants d’été",
        variant: "L",
        quantity: 1,
        shop: Some("julien_velo"),
        days_ago: 8,
        reached: Reached::Shipped,
    },
    Sale {
        buyer: "nina",
        product: "Bougie « Figuier »",
        variant: "",
        quantity: 1,
        shop: Some("amina_style"),
        days_ago: 6,
        reached: Reached::Shipped,
    },
    Sale {
        buyer: "lea",
        product: "Carnet de recettes de saison",
        variant: "",
        quantity: 1,
        shop: Some("camille_cuisine"),
        days_ago: 3,
        reached: Reached::Paid,
    },
    Sale {
        buyer: "tom",
        product: "Casquette de cycliste",
        variant: "",
        quantity: 1,
        shop: Some("julien_velo"),
        days_ago: 2,
        reached: Reached::Expired,
    },
    Sale {
        buyer: "nina",
        product: "Tablier brodé",
        variant: "",
        quantity: 1,
        shop: Some("camille_cuisine"),
        days_ago: 0,
        reached: Reached::Pending,
    },
];

/// Loads the demo products and shops, then the orders; `id_of` finds a demo person's id.
pub async fn load(state: &AppState, id_of: impl Fn(&str) -> i64, now: i64) -> anyhow::Result<()> {
    let db = &state.db;
    let mut products = Vec::new();
    for item in ITEMS {
        let seller = id_of(item.seller);
        let created = now - 120 * DAY;
        let new = NewProduct {
            title: item.title.into(),
            description: item.description.into(),
            price: Money::eur(item.euros * 100),
            shipping: Money::eur(item.shipping_cents),
            commission_bp: item.commission_bp,
            variants: item
                .variants
                .iter()
                .map(|(n, s)| ((*n).to_owned(), *s))
                .collect(),
        };
        let id = shelves::create(db, seller, &new, created).await?;
        let (name, bytes) = item.image;
        let key = format!("products/demo-{id}-{name}.png");
        state
            .storage
            .put_picture(&key, Bytes::from_static(bytes))
            .await
            .map_err(|e| anyhow::anyhow!("demo picture {key}: {e:?}"))?;
        shelves::add_image(db, seller, id, &key, created).await?;
        if item.commission_bp.is_none() {
            shelves::shelf(db, seller, id, ShelfAction::Publish).await?;
        }
        for creator in item.promoted_by {
            shelves::promote(db, id_of(creator), id, created + DAY).await?;
        }
        products.push((item.title, id, item.seller));
    }
    for sale in SALES {
        let (_, product, seller) = products
            .iter()
            .find(|(title, ..)| *title == sale.product)
            .ok_or_else(|| anyhow::anyhow!("no demo product {}", sale.product))?;
        run(state, sale, *product, id_of(seller), &id_of, now)
            .await
            .map_err(|e| anyhow::anyhow!("demo order of {}: {e}", sale.product))?;
    }
    orders::expire_due(db, now).await?;
    orders::release_due(db, now).await?;
    Ok(())
}

async fn run(
    state: &AppState,
    sale: &Sale,
    product: i64,
    seller_id: i64,
    id_of: &impl Fn(&str) -> i64,
    now: i64,
) -> Result<(), AppError> {
    let db = &state.db;
    let p = shelves::product(db, product).await?;
    let variant = p
        .variants
        .iter()
        .find(|v| v.name == sale.variant)
        .ok_or(AppError::NotFound)?;
    let buyer = id_of(sale.buyer);
    let lines = [CartLine {
        variant: variant.id,
        quantity: sale.quantity,
        shop: sale.shop.map(id_of),
    }];
    let t = now - sale.days_ago * DAY;
    let request = CheckoutRequest {
        buyer,
        lines: &lines,
        click: None,
        expected_total: p.price.minor * i64::from(sale.quantity) + p.shipping.minor,
        ship_to: Address {
            name: sale.buyer.to_owned(),
            address: "12 rue des Lilas\n69004 Lyon".into(),
        },
        // Pending and expired ones wait(ed) for a card payment that did not come.
        pay_with: match sale.reached {
            Reached::Pending | Reached::Expired => PayWith::Card,
            _ => PayWith::Wallet,
        },
        reserve_secs: 15 * 60,
        event: None,
    };
    let checkout = orders::checkout(db, &request, t).await?;
    if matches!(
        sale.reached,
        Reached::Pending | Reached::Expired | Reached::Paid
    ) {
        return Ok(());
    }
    let order = orders::checkout_view(db, &checkout, buyer).await?.orders[0]
        .id
        .clone();
    orders::ship(
        db,
        seller_id,
        &order,
        "Colissimo",
        &format!("6A{:09}", product * 1_000 + sale.days_ago),
        t + DAY,
    )
    .await?;
    if sale.reached == Reached::Shipped {
        return Ok(());
    }
    orders::deliver(db, buyer, &order, state.return_window_secs, t + 3 * DAY).await?;
    if sale.reached == Reached::Refunded {
        orders::refund(db, seller_id, &order, None, t + 6 * DAY).await?;
    }
    Ok(())
}
