//! Demo data: fans, creators from 300 to 300,000 followers, and two brands, all with avatars
//! and one known password. Loading twice changes nothing: existing people are left alone.

use app::accounts::store::{self, NewUser, ProfileUpdate};
use app::accounts::types::{Network, Niche, Role, SocialAccount};
use app::error::{AppError, Problem};
use app::ssr::AppState;
use bytes::Bytes;

pub mod crowd;
mod deals;
mod live;
mod market;
mod money;
mod shop;

/// How long ago the named demo people joined: long enough that only small creators are rising.
const JOINED_SECS_AGO: i64 = 400 * 24 * 3600;

/// The password of every demo account, printed by the run command.
pub const PASSWORD: &str = "tremplin-demo-2026";

struct Person {
    handle: &'static str,
    name: &'static str,
    role: Role,
    bio: &'static str,
    niches: &'static [Niche],
    networks: &'static [(Network, u64)],
    brand: Option<(&'static str, &'static str)>,
    avatar: &'static [u8],
}

macro_rules! avatar {
    ($handle:literal) => {
        include_bytes!(concat!("../demo/", $handle, ".png"))
    };
}

const PEOPLE: &[Person] = &[
    Person {
        handle: "lea",
        name: "Léa Martin",
        role: Role::Fan,
        bio: "",
        niches: &[],
        networks: &[],
        brand: None,
        avatar: avatar!("lea"),
    },
    Person {
        handle: "tom",
        name: "Tom Girard",
        role: Role::Fan,
        bio: "",
        niches: &[],
        networks: &[],
        brand: None,
        avatar: avatar!("tom"),
    },
    Person {
        handle: "nina",
        name: "Nina Rossi",
        role: Role::Fan,
        bio: "",
        niches: &[],
        networks: &[],
        brand: None,
        avatar: avatar!("nina"),
    },
    Person {
        handle: "camille_cuisine",
        name: "Camille Durand",
        role: Role::Creator,
        bio: "Recettes de saison en 60 secondes, depuis ma petite cuisine lyonnaise.",
        niches: &[Niche::Food, Niche::Lifestyle],
        networks: &[(Network::Instagram, 300)],
        brand: None,
        avatar: avatar!("camille_cuisine"),
    },
    Person {
        handle: "julien_velo",
        name: "Julien Petit",
        role: Role::Creator,
        bio: "Gravel, bikepacking et réparations au bord de la route.",
        niches: &[Niche::Sport, Niche::Travel],
        networks: &[(Network::Instagram, 650), (Network::Youtube, 150)],
        brand: None,
        avatar: avatar!("julien_velo"),
    },
    Person {
        handle: "lucas_music",
        name: "Lucas Moreau",
        role: Role::Creator,
        bio: "Home studio, synthés analogiques et covers au piano.",
        niches: &[Niche::Music],
        networks: &[(Network::Tiktok, 1_500), (Network::Youtube, 600)],
        brand: None,
        avatar: avatar!("lucas_music"),
    },
    Person {
        handle: "amina_style",
        name: "Amina Diallo",
        role: Role::Creator,
        bio: "Mode seconde main et looks à petit budget.",
        niches: &[Niche::Fashion, Niche::Beauty],
        networks: &[(Network::Instagram, 3_100), (Network::Tiktok, 1_100)],
        brand: None,
        avatar: avatar!("amina_style"),
    },
    Person {
        handle: "hugo_gaming",
        name: "Hugo Lefèvre",
        role: Role::Creator,
        bio: "Speedruns, jeux indés et lives tous les soirs.",
        niches: &[Niche::Gaming, Niche::Tech],
        networks: &[(Network::Twitch, 18_000), (Network::Youtube, 9_000)],
        brand: None,
        avatar: avatar!("hugo_gaming"),
    },
    Person {
        handle: "sarah_tech",
        name: "Sarah Benali",
        role: Role::Creator,
        bio: "Tests de gadgets honnêtes et tutoriels pour débutants.",
        niches: &[Niche::Tech, Niche::Education],
        networks: &[(Network::Youtube, 52_000), (Network::X, 13_000)],
        brand: None,
        avatar: avatar!("sarah_tech"),
    },
    Person {
        handle: "mael_voyage",
        name: "Maël Bernard",
        role: Role::Creator,
        bio: "Tour du monde en train, un pays par mois.",
        niches: &[Niche::Travel, Niche::Food],
        networks: &[(Network::Instagram, 95_000), (Network::Youtube, 25_000)],
        brand: None,
        avatar: avatar!("mael_voyage"),
    },
    Person {
        handle: "ines_beauty",
        name: "Inès Laurent",
        role: Role::Creator,
        bio: "Soins de la peau, maquillage et routines du quotidien.",
        niches: &[Niche::Beauty, Niche::Fashion],
        networks: &[(Network::Instagram, 210_000), (Network::Tiktok, 90_000)],
        brand: None,
        avatar: avatar!("ines_beauty"),
    },
    Person {
        handle: "maison_lumiere",
        name: "Maison Lumière",
        role: Role::Brand,
        bio: "",
        niches: &[],
        networks: &[],
        brand: Some(("Maison Lumière", "maison-lumiere")),
        avatar: avatar!("maison_lumiere"),
    },
    Person {
        handle: "velocita",
        name: "Velocita",
        role: Role::Brand,
        bio: "",
        niches: &[],
        networks: &[],
        brand: Some(("Velocita Cycles", "velocita")),
        avatar: avatar!("velocita"),
    },
];

/// The email of a demo account.
pub fn email(handle: &str) -> String {
    format!("{}@demo.tremplin.test", handle.replace('_', "."))
}

/// Loads the demo people, then `crowd` generated creators listed on the marketplace.
pub async fn load(state: &AppState, crowd: usize) -> anyhow::Result<()> {
    let hash = state
        .passwords
        .hash(PASSWORD.to_owned())
        .await
        .map_err(anyhow::Error::msg)?;
    let mut created = Vec::new();
    for person in PEOPLE {
        let email = email(person.handle);
        let new = NewUser {
            email: &email,
            handle: person.handle,
            display_name: person.name,
            password_hash: &hash,
            role: person.role,
            brand: person.brand,
        };
        let id = match store::create_user(&state.db, new, app::ssr::now() - JOINED_SECS_AGO).await {
            Ok(id) => id,
            Err(AppError::Invalid {
                problem: Problem::EmailTaken | Problem::HandleTaken,
                ..
            }) => continue,
            Err(e) => anyhow::bail!("creating {}: {e}", person.handle),
        };
        created.push((person.handle, id));
        // Demo addresses need no confirming link: payouts and mail work at once.
        store::set_email_confirmed(&state.db, id, app::ssr::now())
            .await
            .map_err(anyhow::Error::msg)?;
        let networks: Vec<SocialAccount> = person
            .networks
            .iter()
            .map(|&(network, followers)| SocialAccount { network, followers })
            .collect();
        store::update_profile(
            &state.db,
            id,
            ProfileUpdate {
                display_name: person.name,
                bio: person.bio,
                niches: person.niches,
                networks: &networks,
            },
        )
        .await
        .map_err(anyhow::Error::msg)?;
        let key = format!("avatars/demo-{}.png", person.handle);
        state
            .storage
            .put_picture(&key, Bytes::from_static(person.avatar))
            .await
            .map_err(|e| anyhow::anyhow!("demo avatar {key}: {e:?}"))?;
        store::set_avatar(&state.db, id, &key)
            .await
            .map_err(anyhow::Error::msg)?;
    }
    let operator = NewUser {
        email: &email(OPERATOR),
        handle: OPERATOR,
        display_name: "Tremplin Operations",
        password_hash: &hash,
        role: Role::Fan,
        brand: None,
    };
    match store::create_user(&state.db, operator, app::ssr::now()).await {
        Ok(id) => {
            store::set_operator(&state.db, &email(OPERATOR), true)
                .await
                .map_err(anyhow::Error::msg)?;
            store::set_email_confirmed(&state.db, id, app::ssr::now())
                .await
                .map_err(anyhow::Error::msg)?;
        }
        Err(AppError::Invalid { .. }) => {}
        Err(e) => anyhow::bail!("creating the operator: {e}"),
    }
    let id_of = |handle: &str| {
        created
            .iter()
            .find(|(h, _)| *h == handle)
            .map(|(_, id)| *id)
    };
    market::load(&state.db, id_of, app::ssr::now()).await?;
    market::load_campaigns(&state.db, id_of, app::ssr::now()).await?;
    crowd::generate(&state.db, crowd, &hash, app::ssr::now()).await?;
    // Money only on a fresh database: loading it twice would pay twice.
    if created.len() == PEOPLE.len() {
        money::load(state, |handle| id_of(handle).unwrap_or(0)).await?;
        deals::load(
            &state.db,
            |handle| id_of(handle).unwrap_or(0),
            app::ssr::now(),
        )
        .await?;
        shop::load(state, |handle| id_of(handle).unwrap_or(0), app::ssr::now()).await?;
        live::load(state, |handle| id_of(handle).unwrap_or(0), app::ssr::now()).await?;
    }
    tracing::info!(
        created = created.len(),
        total = PEOPLE.len(),
        "demo data loaded"
    );
    Ok(())
}

/// The demo operator, who sees and settles payouts.
const OPERATOR: &str = "tremplin_ops";

/// The demo logins, one line each, for the run command to print.
/// Whether the demo data is in `db`: its operator account, whose password is published.
pub async fn present(db: &app::ssr::Db) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind(email(OPERATOR))
        .fetch_one(&db.pool)
        .await
        .map(|n| n > 0)
}

pub fn logins() -> Vec<String> {
    PEOPLE
        .iter()
        .map(|p| (p.role.as_str(), p.handle))
        .chain([("operator", OPERATOR)])
        .map(|(role, handle)| format!("{role:<8} {:<40} {PASSWORD}", email(handle)))
        .collect()
}
