//! Tremplin's pages, components and server functions, shared by the server and the browser.
//! The whole site map is the router in [`App`].

#![recursion_limit = "256"]

pub mod accounts;
pub mod campaigns;
pub mod deals;
pub mod earnings;
pub mod error;
pub mod ledger;
pub mod live;
pub mod market;
pub mod notifications;
pub mod orders;
pub mod site;
pub mod storefront;
pub mod ui;
pub mod wallet;

#[cfg(feature = "ssr")]
pub mod ssr;

// Translations are compiled in from `app/locales/*.json`. The macro is deprecated in favour of
// build-script generation, which would add the ICU data exporter to every build for nothing
// this project uses yet.
#[allow(deprecated)]
mod translations {
    leptos_i18n::load_locales!();
}
pub use translations::i18n;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use leptos_i18n::context::CookieOptions;

use crate::i18n::{t_string, use_i18n, I18nContextProvider};

/// How long the chosen language is remembered (leptos-use counts in milliseconds).
const LANGUAGE_COOKIE_MS: i64 = 365 * 24 * 3600 * 1000;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    ui::flash::provide_form_flash();
    ui::zone::provide_zone();
    view! {
        // The cookie is site-wide: without a path the browser would scope it to each page's folder.
        <I18nContextProvider cookie_options={CookieOptions::<i18n::Locale>::default().path("/").max_age(LANGUAGE_COOKIE_MS)}>
            <Document />
        </I18nContextProvider>
    }
}

#[component]
fn Document() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        // Every page's title passes through here, and leptos_meta writes it into the head raw.
        <Title formatter=|page: String| ui::raw_text::raw_text(if page.is_empty() { "Tremplin".to_owned() } else { format!("{page} · Tremplin") }) />
        <Meta name="description" content=move || t_string!(i18n, site.description) />
        <Link rel="icon" href="/assets/icon.svg" />
        <Router>
            <ui::layout::Layout>
                // In-order streaming sends each part of the page once its data is there, so pages
                // are complete without JavaScript.
                <Routes fallback=site::NotFound>
                    <Route path=path!("/") view=site::home::HomePage ssr=SsrMode::InOrder />
                    <Route path=path!("/discover") view=site::discover::DiscoverPage ssr=SsrMode::InOrder />
                    <Route path=path!("/signup") view=accounts::pages::signup::SignupPage ssr=SsrMode::InOrder />
                    <Route path=path!("/login") view=accounts::pages::login::LoginPage ssr=SsrMode::InOrder />
                    <Route path=path!("/login/link") view=accounts::pages::login::LoginLinkPage ssr=SsrMode::InOrder />
                    <Route path=path!("/login/link/:token") view=accounts::pages::login::LinkLoginPage ssr=SsrMode::InOrder />
                    <Route path=path!("/confirm/:token") view=accounts::pages::confirm::ConfirmEmailPage ssr=SsrMode::InOrder />
                    <Route path=path!("/forgot") view=accounts::pages::reset::ForgotPage ssr=SsrMode::InOrder />
                    <Route path=path!("/reset/:token") view=accounts::pages::reset::ResetPage ssr=SsrMode::InOrder />
                    <Route path=path!("/settings") view=accounts::pages::settings::SettingsPage ssr=SsrMode::InOrder />
                    <Route path=path!("/settings/marketplace") view=market::pages::MarketSettingsPage ssr=SsrMode::InOrder />
                    <Route path=path!("/creators") view=market::pages::CreatorSearchPage ssr=SsrMode::InOrder />
                    <Route path=path!("/campaigns") view=campaigns::pages::CampaignsPage ssr=SsrMode::InOrder />
                    <Route path=path!("/deals") view=deals::pages::DealsPage ssr=SsrMode::InOrder />
                    <Route path=path!("/deals/new") view=deals::pages::NewDealPage ssr=SsrMode::InOrder />
                    <Route path=path!("/deals/:id") view=deals::pages::DealPage ssr=SsrMode::Async />
                    <Route path=path!("/brand/campaigns") view=campaigns::pages::BrandCampaignsPage ssr=SsrMode::InOrder />
                    // Async: the page is sent whole, so an unknown campaign can still answer 404.
                    <Route path=path!("/campaigns/:id") view=campaigns::pages::CampaignPage ssr=SsrMode::Async />
                    <Route path=path!("/cart") view=orders::pages::cart::CartPage ssr=SsrMode::InOrder />
                    <Route path=path!("/checkout/:id") view=orders::pages::order::CheckoutPage ssr=SsrMode::InOrder />
                    <Route path=path!("/orders") view=orders::pages::order::OrdersPage ssr=SsrMode::InOrder />
                    <Route path=path!("/orders/:id") view=orders::pages::order::OrderPage ssr=SsrMode::Async />
                    <Route path=path!("/shop/report") view=orders::pages::reports::ReportPage ssr=SsrMode::InOrder />
                    <Route path=path!("/shop/manage") view=storefront::pages::desk::ShopDeskPage ssr=SsrMode::InOrder />
                    <Route path=path!("/catalogue") view=storefront::pages::catalogue::CataloguePage ssr=SsrMode::InOrder />
                    <Route path=path!("/brand/products") view=storefront::pages::catalogue::BrandProductsPage ssr=SsrMode::InOrder />
                    <Route path=path!("/products/:id/edit") view=storefront::pages::desk::ProductEditPage ssr=SsrMode::InOrder />
                    // Async like the profile pages: an unknown shop or product answers 404.
                    <Route path=path!("/products/:id") view=storefront::pages::shop::ProductPage ssr=SsrMode::Async />
                    <Route path=path!("/:handle/shop") view=storefront::pages::shop::ShopPage ssr=SsrMode::Async />
                    <Route path=path!("/:handle/shop/:id") view=storefront::pages::shop::ProductPage ssr=SsrMode::Async />
                    <Route path=path!("/live") view=live::pages::LivePage ssr=SsrMode::InOrder />
                    <Route path=path!("/live/new") view=live::pages::ScheduleEventPage ssr=SsrMode::InOrder />
                    // Async like the profile pages: an unknown event answers 404.
                    <Route path=path!("/live/:id") view=live::pages::EventPage ssr=SsrMode::Async />
                    <Route path=path!("/:handle/live/:id") view=live::pages::EventPage ssr=SsrMode::Async />
                    <Route path=path!("/live/:id/studio") view=live::pages::StudioPage ssr=SsrMode::InOrder />
                    <Route path=path!("/dashboard") view=accounts::pages::dashboard::DashboardPage ssr=SsrMode::InOrder />
                    <Route path=path!("/wallet") view=wallet::pages::WalletPage ssr=SsrMode::InOrder />
                    <Route path=path!("/earnings") view=earnings::pages::StatementPage ssr=SsrMode::InOrder />
                    <Route path=path!("/notifications") view=notifications::pages::NotificationsPage ssr=SsrMode::InOrder />
                    <Route path=path!("/operator/payouts") view=earnings::pages::OperatorPayoutsPage ssr=SsrMode::InOrder />
                    <Route path=path!("/operator/deals") view=deals::pages::DisputesPage ssr=SsrMode::InOrder />
                    // Async like the profile pages: a receipt is small and is sent whole.
                    <Route path=path!("/wallet/receipts/:id") view=wallet::pages::ReceiptPage ssr=SsrMode::Async />
                    // Async: the page is sent whole, so an unknown name can still answer 404.
                    <Route path=path!("/brands/:slug") view=accounts::pages::brand::BrandPage ssr=SsrMode::Async />
                    <Route path=path!("/:handle") view=accounts::pages::profile::ProfilePage ssr=SsrMode::Async />
                </Routes>
            </ui::layout::Layout>
        </Router>
    }
}
