//! The frame of every page: header with navigation, account menu and language switch, the
//! page itself, and the footer. It also owns the session state every page reads.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::avatar::Avatar;
use crate::accounts::api::{me, Login, Logout, Signup};
use crate::accounts::types::{Role, SessionUser};
use crate::error::AppError;
use crate::i18n::*;
use crate::notifications::api::unread_notifications;

/// The logged-in user, refetched whenever someone logs in or out, or changes what the
/// header shows of them.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<SessionUser>, AppError>>,
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
    pub signup: ServerAction<Signup>,
    edits: RwSignal<u32>,
}

impl Auth {
    /// Reloads what the header shows of the user: after an edit to their name, avatar or
    /// role, or after they read their notifications (the bell's count).
    pub fn refresh(&self) {
        self.edits.update(|n| *n += 1);
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let logout = ServerAction::<Logout>::new();
    let signup = ServerAction::<Signup>::new();
    let edits = RwSignal::new(0);
    let user = Resource::new(
        move || {
            (
                login.version().get(),
                logout.version().get(),
                signup.version().get(),
                edits.get(),
            )
        },
        |_| me(),
    );
    provide_context(Auth {
        user,
        login,
        logout,
        signup,
        edits,
    });
    view! {
        <a class="skip-link" href="#main">{move || t_string!(use_i18n(), nav.skip).to_string()}</a>
        <Header />
        <main id="main" class="page">{children()}</main>
        <Footer />
    }
}

#[component]
fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    view! {
        <header class="site-header">
            <div class="header-inner">
                <a href="/" class="brand-mark">
                    <span class="brand-logo" aria-hidden="true">"T"</span>
                    <span class="brand-name">"Tremplin"</span>
                </a>
                <nav class="main-nav" aria-label=move || t_string!(i18n, nav.main).to_string()>
                    <SectionLinks />
                </nav>
                <div class="header-actions">
                    <LanguageSwitch />
                    <CartLink />
                    <Transition fallback=|| ()>
                        {move || {
                            auth.user
                                .get()
                                .map(|u| match u.ok().flatten() {
                                    Some(user) => view! { <NotificationBell /> <AccountMenu user=user.clone() /> <PhoneMenu user=Some(user) /> }.into_any(),
                                    None => {
                                        view! {
                                            <a href="/login" class="btn btn-ghost header-login">{t!(i18n, nav.login)}</a>
                                            <a href="/signup" class="btn btn-primary">{t!(i18n, nav.signup)}</a>
                                            <PhoneMenu user=None />
                                        }
                                            .into_any()
                                    }
                                })
                        }}
                    </Transition>
                </div>
            </div>
        </header>
    }
}

/// A link to the cart with how many items it holds. Like the bell's count, the browser asks
/// once the page runs, and again after anything that changes the cart or the session.
#[component]
fn CartLink() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let items = RwSignal::new(0u32);
    Effect::new(move |_| {
        auth.login.version().track();
        auth.logout.version().track();
        auth.edits.track();
        leptos::task::spawn_local(async move {
            if let Ok(count) = crate::orders::api::cart_count().await {
                items.set(count);
            }
        });
    });
    view! {
        <a href="/cart" class="cart-link" aria-label=move || t_string!(i18n, nav.cart).to_string()>
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                <path d="M7 18a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm10 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4zM5.2 4l.6 3H21l-2 8H7.4L4.4 2H1v2z" fill="currentColor" />
            </svg>
            {move || (items.get() > 0).then(|| view! {
                <span class="bell-count" data-testid="cart-count">{items.get()}</span>
            })}
        </a>
    }
}

/// A link to the notification centre with the unread count. The browser fetches the count
/// once the page runs, and again whenever the header's user is (after the centre marks
/// everything read, for one): rendered on the server, it would have to match the count the
/// browser hydrates with, which can change in between. Without JavaScript the link stays.
#[component]
fn NotificationBell() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let unread = RwSignal::new(0u64);
    Effect::new(move |_| {
        auth.login.version().track();
        auth.logout.version().track();
        auth.signup.version().track();
        auth.edits.track();
        leptos::task::spawn_local(async move {
            if let Ok(count) = unread_notifications().await {
                unread.set(count);
            }
        });
    });
    view! {
        <a href="/notifications" class="notification-bell"
            aria-label=move || t_string!(i18n, nav.notifications).to_string()>
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z" fill="currentColor" />
            </svg>
            {move || (unread.get() > 0).then(|| view! {
                <span class="bell-count" data-testid="unread-count">{unread.get()}</span>
            })}
        </a>
    }
}

#[component]
fn AccountMenu(user: SessionUser) -> impl IntoView {
    let i18n = use_i18n();
    let menu = NodeRef::<leptos::html::Details>::new();
    let close = closer(menu);
    view! {
        <details class="account-menu" node_ref=menu>
            <summary aria-label=move || t_string!(i18n, nav.account).to_string()>
                <Avatar name=user.display_name.clone() url=user.avatar_url.clone() size="sm" />
                <span class="account-name">{user.display_name.clone()}</span>
            </summary>
            <div class="menu-panel" on:click=close>
                <AccountLinks user />
            </div>
        </details>
    }
}

/// Closes a header menu once an entry is chosen, since client-side navigation keeps the header;
/// and, as people expect of a menu, on Escape (back to its button) or a click outside it.
fn closer(menu: NodeRef<leptos::html::Details>) -> impl Fn(leptos::ev::MouseEvent) + Copy {
    use wasm_bindgen::JsCast;
    let open = move || menu.get_untracked().filter(|m| m.open());
    let keys = window_event_listener(leptos::ev::keydown, move |e| {
        if let Some(m) = open().filter(|_| e.key() == "Escape") {
            m.set_open(false);
            if let Some(summary) = m
                .query_selector("summary")
                .ok()
                .flatten()
                .and_then(|s| s.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = summary.focus();
            }
        }
    });
    let clicks = window_event_listener(leptos::ev::click, move |e| {
        if let Some(m) = open() {
            let target = e.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            if !m.contains(target.as_ref()) {
                m.set_open(false);
            }
        }
    });
    on_cleanup(move || {
        keys.remove();
        clicks.remove();
    });
    move |_| {
        if let Some(menu) = menu.get() {
            menu.set_open(false);
        }
    }
}

/// What a signed-in person reaches from their account: their pages, by role, and logging out.
/// The avatar menu on wide screens and the phone menu list the same entries.
#[component]
fn AccountLinks(user: SessionUser) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    view! {
        <NavLink href="/dashboard">{t!(i18n, nav.dashboard)}</NavLink>
        <NavLink href=user.page_path()>{t!(i18n, nav.my_page)}</NavLink>
        <NavLink href="/wallet">{t!(i18n, nav.wallet)}</NavLink>
        {(user.role != Role::Fan).then(|| view! { <NavLink href="/deals">{t!(i18n, nav.deals)}</NavLink> })}
        {(user.role == Role::Brand).then(|| view! { <NavLink href="/brand/campaigns">{t!(i18n, nav.my_campaigns)}</NavLink> })}
        {(user.role == Role::Brand).then(|| view! { <NavLink href="/brand/products">{t!(i18n, nav.products)}</NavLink> })}
        {(user.role == Role::Creator).then(|| view! { <NavLink href="/shop/manage">{t!(i18n, nav.my_shop)}</NavLink> })}
        <NavLink href="/orders">{t!(i18n, nav.orders)}</NavLink>
        {(user.role != Role::Fan).then(|| view! { <NavLink href="/shop/report">{t!(i18n, nav.report)}</NavLink> })}
        {(user.role == Role::Creator).then(|| view! { <NavLink href="/settings/marketplace">{t!(i18n, market.settings_title)}</NavLink> })}
        {(user.role != Role::Fan).then(|| view! { <NavLink href="/earnings">{t!(i18n, nav.earnings)}</NavLink> })}
        {user.operator.then(|| view! { <NavLink href="/operator/payouts">{t!(i18n, nav.operator)}</NavLink> })}
        {user.operator.then(|| view! { <NavLink href="/operator/deals">{t!(i18n, deals.disputes)}</NavLink> })}
        <NavLink href="/settings">{t!(i18n, nav.settings)}</NavLink>
        <ActionForm action=auth.logout>
            <button type="submit" class="menu-button">{t!(i18n, nav.logout)}</button>
        </ActionForm>
    }
}

/// A header link, marked `aria-current="page"` on its page and the pages below it, as `<A>`
/// marks them, without `<A>`'s router work per link: the header shows two dozen links on every
/// page, and `<A>` was a fifth of a signed-in shop page's rendering (callgrind).
#[component]
fn NavLink(#[prop(into)] href: String, children: Children) -> impl IntoView {
    let path = use_location().pathname;
    let current = {
        let href = href.clone();
        move || path.with(|path| is_under(path, &href)).then_some("page")
    };
    view! { <a href=href aria-current=current>{children()}</a> }
}

/// Whether the page at `path` is `href` or below it (`/live/3` is under `/live`).
fn is_under(path: &str, href: &str) -> bool {
    match path.strip_prefix(href) {
        Some(rest) => rest.is_empty() || (href != "/" && rest.starts_with('/')),
        None => false,
    }
}

/// The site's sections as links, in the header on wide screens and in the phone menu.
#[component]
fn SectionLinks() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <NavLink href="/discover">{t!(i18n, nav.discover)}</NavLink>
        <NavLink href="/live">{t!(i18n, nav.live)}</NavLink>
        <NavLink href="/creators">{t!(i18n, nav.find_creators)}</NavLink>
        <NavLink href="/campaigns">{t!(i18n, nav.campaigns)}</NavLink>
    }
}

/// On phones, one menu button instead of the sections strip and the avatar menu: every section
/// and every account page in a panel as wide as the screen. A `<details>`, so it opens without
/// JavaScript too.
#[component]
fn PhoneMenu(user: Option<SessionUser>) -> impl IntoView {
    let i18n = use_i18n();
    let menu = NodeRef::<leptos::html::Details>::new();
    let close = closer(menu);
    view! {
        <details class="phone-menu" node_ref=menu data-testid="phone-menu">
            <summary aria-label=move || t_string!(i18n, nav.menu).to_string()>
                <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
                    <path d="M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z" fill="currentColor" />
                </svg>
            </summary>
            <nav class="phone-panel" on:click=close aria-label=move || t_string!(i18n, nav.menu).to_string()>
                <div class="phone-section">
                    <SectionLinks />
                </div>
                <div class="phone-section">
                    {match user {
                        Some(user) => view! { <AccountLinks user /> }.into_any(),
                        None => view! {
                            <a href="/login">{t!(i18n, nav.login)}</a>
                            <a href="/signup">{t!(i18n, nav.signup)}</a>
                        }.into_any(),
                    }}
                </div>
            </nav>
        </details>
    }
}

/// Links to `/lang/{locale}`, which sets the language cookie and comes back here: it works
/// without JavaScript, and `rel=external` makes the router let the browser follow it.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let back = move || {
        let path = location.pathname.get();
        let query = location.search.get();
        if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        }
    };
    let link = move |locale: Locale, label: &'static str, name: &'static str| {
        let href = move || format!("/lang/{locale}?next={}", urlencode(&back()));
        let current = move || i18n.get_locale() == locale;
        view! {
            <a
                href=href
                rel="external"
                hreflang=locale.to_string()
                lang=locale.to_string()
                title=name
                class="lang-link"
                class:lang-current=current
                aria-current=move || current().then_some("true")
            >
                {label}
            </a>
        }
    };
    view! {
        <div class="lang-switch" role="group" aria-label=move || t_string!(i18n, nav.language).to_string()>
            {link(Locale::fr, "FR", "Français")}
            {link(Locale::en, "EN", "English")}
        </div>
    }
}

/// Percent-encodes a path for use as a query value.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The operator's legal notice and contact, when they configured them.
#[component]
fn OperatorLinks() -> impl IntoView {
    let i18n = use_i18n();
    let operator = OnceResource::new(crate::site::operator::operator_info());
    view! {
        <Transition fallback=|| ()>
            {move || operator.get().and_then(Result::ok).filter(|o| o.legal_url.is_some() || o.contact.is_some()).map(|o| view! {
                <div class="footer-links" data-testid="operator">
                    {o.legal_url.map(|url| view! { <a href=url rel="noopener">{t!(i18n, footer.legal)}</a> })}
                    {o.contact.map(|mail| view! {
                        <a href=format!("mailto:{mail}")>{t!(i18n, footer.contact)} " " {mail.clone()}</a>
                    })}
                </div>
            })}
        </Transition>
    }
}

#[component]
fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="site-footer">
            <div class="footer-inner">
                <div>
                    <p class="footer-brand">"Tremplin"</p>
                    <p>{t!(i18n, footer.tagline)}</p>
                    <p class="footer-fee">{t!(i18n, footer.fee)}</p>
                </div>
                <nav class="footer-links" aria-label=move || t_string!(i18n, footer.sections).to_string()>
                    <SectionLinks />
                </nav>
                <OperatorLinks />
                <LanguageSwitch />
            </div>
        </footer>
    }
}

#[cfg(test)]
mod tests {
    use super::is_under;

    #[test]
    fn a_link_is_current_on_its_page_and_below_it() {
        assert!(is_under("/live", "/live"));
        assert!(is_under("/live/3", "/live"));
        assert!(!is_under("/lively", "/live"));
        assert!(!is_under("/discover", "/live"));
        assert!(is_under("/", "/"));
        assert!(!is_under("/wallet", "/"));
        assert!(is_under("/@lea/shop", "/@lea"));
    }
}
