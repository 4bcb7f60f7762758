//! Who acts in the marketplace, and what their memberships let them do there. It is all asked
//! of the permission table (`auth::roles`): trading for an organization (selling, buying,
//! answering buyers, seeing and moving its orders) takes `Permission::TradeParts`, which
//! tenants and read-only members never have; and an organization the platform suspended
//! trades not at all until it is reinstated.

use uuid::Uuid;

use super::lifecycle::Party;
use super::operations::MarketError;
use crate::auth::roles::{Permission, Role};

/// Why an account without any trading membership cannot sell.
pub const NOT_A_SELLER: &str =
    "To sell parts you need to be a manager (or above) in an organization.";

/// Why an account whose address is not confirmed cannot sell yet.
pub const UNVERIFIED: &str = "Confirm your email address before you list parts: open the link \
     we emailed you when you signed up, or send a new one from your account page.";

/// One organization the trader belongs to, as loaded for this request.
#[derive(Debug, Clone)]
pub struct Membership {
    pub org_id: Uuid,
    pub slug: String,
    pub name: String,
    pub role: Role,
    pub suspended: bool,
}

impl Membership {
    /// The role lets this member trade for the organization (suspended or not).
    pub fn trades(&self) -> bool {
        self.role.can(Permission::TradeParts)
    }
}

/// A signed-in account acting in the marketplace, with its memberships as loaded for this
/// request (pages take them from the session's preload; any other caller loads them the same
/// way, fresh, before acting).
#[derive(Debug, Clone)]
pub struct Trader {
    pub account_id: Uuid,
    pub display_name: String,
    /// Only a confirmed address may list parts.
    pub email_verified: bool,
    pub memberships: Vec<Membership>,
}

impl Trader {
    /// The signed-in account as it trades: for which organizations, in which roles.
    pub fn of(account: &crate::auth::identity::SignedIn) -> Trader {
        Trader {
            account_id: account.id,
            display_name: account.display_name.clone(),
            email_verified: account.email_verified,
            memberships: account
                .memberships
                .iter()
                .map(|m| Membership {
                    org_id: m.org.id,
                    slug: m.org.slug.clone(),
                    name: m.org.name.clone(),
                    role: m.role,
                    suspended: m.suspended,
                })
                .collect(),
        }
    }

    /// Listing parts takes a confirmed address.
    pub fn may_list(&self) -> Result<(), MarketError> {
        if self.email_verified {
            Ok(())
        } else {
            Err(MarketError::NotPermitted(UNVERIFIED.into()))
        }
    }

    pub fn membership(&self, org_id: Uuid) -> Option<&Membership> {
        self.memberships.iter().find(|m| m.org_id == org_id)
    }

    /// Any membership at all, tenants included: "your own organization".
    pub fn is_member_of(&self, org_id: Uuid) -> bool {
        self.membership(org_id).is_some()
    }

    /// The role lets this account trade for the organization (whether or not it is
    /// suspended: what it may see; acting asks [`Trader::acting_for`]).
    pub fn trades_for(&self, org_id: Uuid) -> bool {
        self.membership(org_id).is_some_and(Membership::trades)
    }

    /// The organizations this account trades for, suspended or not.
    pub fn trading_memberships(&self) -> impl Iterator<Item = &Membership> {
        self.memberships.iter().filter(|m| m.trades())
    }

    pub fn trading_org_ids(&self) -> Vec<Uuid> {
        self.trading_memberships().map(|m| m.org_id).collect()
    }

    /// The organizations this account can sell and buy for right now.
    pub fn active_trading(&self) -> impl Iterator<Item = &Membership> {
        self.trading_memberships().filter(|m| !m.suspended)
    }

    /// A trading organization chosen by its slug in a form, suspended or not.
    pub fn trading_by_slug(&self, slug: &str) -> Option<&Membership> {
        self.trading_memberships().find(|m| m.slug == slug)
    }

    /// The membership through which this account acts for the organization now: not found
    /// for an outsider, refused (with `refusal`) for a role without `TradeParts`, refused
    /// naming the suspension for a suspended organization.
    pub fn acting_for(
        &self,
        org_id: Uuid,
        refusal: &'static str,
    ) -> Result<&Membership, MarketError> {
        let membership = self.membership(org_id).ok_or(MarketError::NotFound)?;
        if !membership.trades() {
            return Err(MarketError::NotPermitted(refusal.into()));
        }
        if membership.suspended {
            return Err(MarketError::Suspended {
                organization: membership.name.clone(),
            });
        }
        Ok(membership)
    }

    /// Whether this account can act for the organization now (see [`Trader::acting_for`]).
    pub fn acts_for(&self, org_id: Uuid) -> bool {
        self.membership(org_id)
            .is_some_and(|m| m.trades() && !m.suspended)
    }

    /// The organizations a new listing can be for: at least one, or why there is none.
    pub fn selling_orgs(&self) -> Result<Vec<&Membership>, MarketError> {
        let active: Vec<&Membership> = self.active_trading().collect();
        if !active.is_empty() {
            return Ok(active);
        }
        match self.trading_memberships().next() {
            Some(suspended) => Err(MarketError::Suspended {
                organization: suspended.name.clone(),
            }),
            None => Err(MarketError::NotPermitted(NOT_A_SELLER.into())),
        }
    }

    /// The sides of a purchase between these organizations this account trades for.
    pub fn parties(&self, buyer_org_id: Uuid, seller_org_id: Uuid) -> Vec<Party> {
        let mut parties = Vec::new();
        if self.trades_for(buyer_org_id) {
            parties.push(Party::Buyer);
        }
        if self.trades_for(seller_org_id) {
            parties.push(Party::Seller);
        }
        parties
    }

    /// Whether the organization on this side of a purchase is suspended.
    pub fn side_suspended(&self, party: Party, buyer_org_id: Uuid, seller_org_id: Uuid) -> bool {
        let org_id = match party {
            Party::Buyer => buyer_org_id,
            Party::Seller => seller_org_id,
        };
        self.membership(org_id).is_some_and(|m| m.suspended)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trader_with(memberships: &[(Role, bool)]) -> (Trader, Vec<Uuid>) {
        let ids: Vec<Uuid> = memberships.iter().map(|_| Uuid::new_v4()).collect();
        let trader = Trader {
            account_id: Uuid::new_v4(),
            display_name: "Pat".into(),
            email_verified: true,
            memberships: memberships
                .iter()
                .zip(&ids)
                .map(|((role, suspended), id)| Membership {
                    org_id: *id,
                    slug: format!("org{id}"),
                    name: "Org".into(),
                    role: *role,
                    suspended: *suspended,
                })
                .collect(),
        };
        (trader, ids)
    }

    #[test]
    fn only_trading_roles_of_active_organizations_act() {
        let (trader, ids) = trader_with(&[
            (Role::Tenant, false),
            (Role::ReadOnly, false),
            (Role::Technician, false),
            (Role::Manager, true),
            (Role::Owner, false),
        ]);
        for id in &ids[..3] {
            assert!(matches!(
                trader.acting_for(*id, "no"),
                Err(MarketError::NotPermitted(_))
            ));
        }
        assert!(matches!(
            trader.acting_for(ids[3], "no"),
            Err(MarketError::Suspended { .. })
        ));
        assert!(trader.acting_for(ids[4], "no").is_ok());
        assert!(matches!(
            trader.acting_for(Uuid::new_v4(), "no"),
            Err(MarketError::NotFound)
        ));
        assert_eq!(trader.trading_org_ids(), vec![ids[3], ids[4]]);
        assert_eq!(trader.parties(ids[0], ids[4]), vec![Party::Seller]);
    }

    #[test]
    fn a_suspended_seller_is_told_so() {
        let (trader, _) = trader_with(&[(Role::Admin, true), (Role::ReadOnly, false)]);
        assert!(matches!(
            trader.selling_orgs(),
            Err(MarketError::Suspended { .. })
        ));
        let (trader, _) = trader_with(&[(Role::Technician, false)]);
        assert!(matches!(
            trader.selling_orgs(),
            Err(MarketError::NotPermitted(_))
        ));
    }
}
