//! Page structs for the members pages and invitation acceptance.

use crate::web::local_time::filters;
use askama::Template;

use super::forms::InviteForm;
use super::queries::{Invitation, MemberView};
use crate::auth::forms::SignUpForm;
use crate::auth::roles::Role;
use crate::web::forms::FieldErrors;
use crate::web::Layout;

#[derive(Template)]
#[template(path = "members/list.html")]
pub struct MembersPage {
    pub layout: Layout,
    pub slug: String,
    pub members: Vec<MemberView>,
    pub invitations: Vec<Invitation>,
    pub can_manage: bool,
    pub my_role: Role,
    pub my_account: uuid::Uuid,
    pub invite: InviteForm,
    pub errors: FieldErrors,
    /// The link of an invitation just created, shown once.
    pub new_link: Option<(String, String)>,
    pub roles: [Role; 5],
}

#[derive(Template)]
#[template(path = "members/remove.html")]
pub struct RemovePage {
    pub layout: Layout,
    pub slug: String,
    pub member: MemberView,
}

#[derive(Template)]
#[template(path = "members/invitation.html")]
pub struct InvitationPage {
    pub layout: Layout,
    pub token: String,
    pub organization_name: String,
    pub role: Role,
    pub email: String,
    /// Why it cannot be accepted (used, expired, for another email), if so.
    pub problem: Option<String>,
    pub signed_in_as: Option<String>,
    pub form: SignUpForm,
    pub errors: FieldErrors,
}
