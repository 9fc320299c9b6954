use leptos::prelude::*;
use leptos_meta::Title;

use crate::accounts::types::Role;
use crate::i18n::*;
use crate::ui::avatar::Avatar;
use crate::ui::layout::use_auth;

/// The signed-in home: who you are and where to go next, by role.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    view! {
        <Title text=move || t_string!(i18n, nav.dashboard).to_string() />
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || auth.user.get().map(|u| match u.ok().flatten() {
                None => view! {
                    <section class="auth-card">
                        <h1>{t!(i18n, nav.dashboard)}</h1>
                        <p>{t!(i18n, errors.unauthenticated)}</p>
                        <a href="/login" class="btn btn-primary">{t!(i18n, nav.login)}</a>
                    </section>
                }.into_any(),
                Some(user) => {
                    let page = user.page_path();
                    let role = user.role;
                    view! {
                        <section class="dashboard">
                            <header class="dashboard-head card">
                                <Avatar name=user.display_name.clone() url=user.avatar_url.clone() size="lg" />
                                <div>
                                    {
                                        let name = user.display_name.clone();
                                        view! { <h1>{t!(i18n, dashboard.hello, name)}</h1> }
                                    }
                                    <p class="muted">{move || match role {
                                        Role::Creator => t_string!(i18n, dashboard.creator_text).to_string(),
                                        Role::Fan => t_string!(i18n, dashboard.fan_text).to_string(),
                                        Role::Brand => t_string!(i18n, dashboard.brand_text).to_string(),
                                    }}</p>
                                </div>
                            </header>
                            <div class="tiles">
                                <a href=page class="tile card">
                                    <h2>{t!(i18n, nav.my_page)}</h2>
                                    <p class="muted">{t!(i18n, dashboard.page_text)}</p>
                                </a>
                                <a href="/wallet" class="tile card">
                                    <h2>{t!(i18n, nav.wallet)}</h2>
                                    <p class="muted">{t!(i18n, dashboard.wallet_text)}</p>
                                </a>
                                {(role != Role::Fan).then(|| view! {
                                    <a href="/earnings" class="tile card">
                                        <h2>{t!(i18n, nav.earnings)}</h2>
                                        <p class="muted">{t!(i18n, dashboard.earnings_text)}</p>
                                    </a>
                                })}
                                <a href="/settings" class="tile card">
                                    <h2>{t!(i18n, nav.settings)}</h2>
                                    <p class="muted">{t!(i18n, dashboard.settings_text)}</p>
                                </a>
                                <a href="/discover" class="tile card">
                                    <h2>{t!(i18n, nav.discover)}</h2>
                                    <p class="muted">{t!(i18n, dashboard.discover_text)}</p>
                                </a>
                            </div>
                        </section>
                    }.into_any()
                }
            })}
        </Transition>
    }
}
