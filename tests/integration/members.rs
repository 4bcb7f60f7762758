//! Memberships: invitations never lower or take over an existing membership, and roles move
//! to and from the tenant role cleanly or are refused clearly.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use crate::harness::{text, Browser, TestApp, PASSWORD};

/// An invitation link as the members page shows it.
fn invitation_path(body: &str) -> String {
    let start = body.find("/invitations/").expect("invitation link");
    body[start..].chars().take_while(|c| *c != '"').collect()
}

/// A tenant record at a new site of `acme`, with `email` as its contact; returns its id.
fn tenant_record(app: &TestApp, email: &str) -> String {
    app.execute(
        "INSERT INTO org_acme.sites (name, code) VALUES ('Harbour Tower', 'HT') \
         ON CONFLICT DO NOTHING",
    );
    text(
        &mut app.conn(),
        &format!(
            "INSERT INTO org_acme.tenants (site_id, name, primary_contact_email) \
             SELECT id, 'Harbour Legal', '{email}' FROM org_acme.sites WHERE code = 'HT' \
             RETURNING id::text AS value"
        ),
    )
}

fn role_of(app: &TestApp, email: &str) -> String {
    text(
        &mut app.conn(),
        &format!(
            "SELECT m.role AS value FROM memberships m JOIN accounts a ON a.id = m.account_id \
             WHERE a.email = '{email}'"
        ),
    )
}

/// The attack from the review: an invitation with a lower role (here a tenant's portal
/// invitation to the sole owner's email) must not overwrite the owner's membership.
#[actix_web::test]
async fn an_invitation_never_lowers_an_existing_membership() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let id = app.create_account("boss@example.com");
    app.add_member("acme", id, Role::Owner);
    let owner = Browser::new(&app);
    owner.sign_in("boss@example.com", PASSWORD).await;

    // Inviting an existing member is refused at once, with the form kept.
    let admin = app.member("acme", Role::Admin).await;
    admin.get("/o/acme/members").await;
    let refused = admin
        .post(
            "/o/acme/members/invitations",
            &[("email", "Boss@example.com"), ("role", "readonly")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .body
        .contains("already a member of this organization"));
    assert!(
        refused.body.contains("Boss@example.com"),
        "the entry is kept"
    );
    assert_eq!(app.count("SELECT 1 FROM invitations"), 0);

    // A manager sets a tenant's contact to the owner's email and sends a portal invitation.
    let manager = app.member("acme", Role::Manager).await;
    let tenant = tenant_record(&app, "boss@example.com");
    manager.get("/o/acme/tenants").await;
    let invite = manager
        .post(&format!("/o/acme/tenants/{tenant}/invite"), &[])
        .await;
    let path = invitation_path(&invite.body);
    owner.get(&path).await;
    let accepted = owner.post(&format!("{path}/accept"), &[]).await;
    assert_eq!(accepted.status, StatusCode::CONFLICT, "{}", accepted.body);
    assert!(accepted.body.contains("would lower your role"));
    assert_eq!(role_of(&app, "boss@example.com"), "owner");
    assert_eq!(
        app.count("SELECT 1 FROM invitations WHERE accepted_at IS NULL"),
        1,
        "the refused invitation is not used up"
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.tenants WHERE portal_account_id IS NOT NULL"),
        0
    );
    assert_eq!(owner.get("/o/acme/members").await.status, StatusCode::OK);
}

/// Raising a member's role by an invitation sent before they joined follows the role-change
/// rules with the inviter as the one acting: an admin's invitation may raise to manager.
#[actix_web::test]
async fn an_earlier_invitation_may_raise_a_role_as_its_inviter_could() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let admin = app.member("acme", Role::Admin).await;
    admin.get("/o/acme/members").await;
    let mut paths = Vec::new();
    for role in ["readonly", "manager"] {
        let page = admin
            .post(
                "/o/acme/members/invitations",
                &[("email", "sam@example.com"), ("role", role)],
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        paths.push(invitation_path(&page.body));
    }
    let sam = Browser::new(&app);
    sam.get(&paths[0]).await;
    let joined = sam
        .post(
            &paths[0],
            &[
                ("first_name", "Sam"),
                ("last_name", "Rigger"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    assert_eq!(role_of(&app, "sam@example.com"), "readonly");
    sam.get(&paths[1]).await;
    let raised = sam.post(&format!("{}/accept", paths[1]), &[]).await;
    assert_eq!(raised.status, StatusCode::SEE_OTHER, "{}", raised.body);
    assert_eq!(role_of(&app, "sam@example.com"), "manager");
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.audit_events WHERE event_type = 'member_role_changed'"),
        1
    );
}

#[actix_web::test]
async fn roles_move_to_and_from_tenant_cleanly_or_are_refused() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let owner = app.member("acme", Role::Owner).await;
    owner.get("/o/acme/members").await;

    // Staff cannot be turned into a tenant from the members page: there is no tenant record.
    let tech = app.create_account("tech@example.com");
    app.add_member("acme", tech, Role::Technician);
    let membership = text(
        &mut app.conn(),
        &format!("SELECT id::text AS value FROM memberships WHERE account_id = '{tech}'"),
    );
    let refused = owner
        .post(
            &format!("/o/acme/members/{membership}/role"),
            &[("role", "tenant")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("Tenants page"));
    assert_eq!(role_of(&app, "tech@example.com"), "technician");

    // A tenant given a staff role loses the tenant link and the portal with it.
    let tenant = tenant_record(&app, "ann@example.com");
    let ann = app.create_account("ann@example.com");
    app.execute(&format!(
        "INSERT INTO memberships (account_id, organization_id, role, tenant_id) \
         SELECT '{ann}', id, 'tenant', '{tenant}' FROM organizations WHERE slug = 'acme'; \
         UPDATE org_acme.tenants SET portal_account_id = '{ann}' WHERE id = '{tenant}'"
    ));
    let membership = text(
        &mut app.conn(),
        &format!("SELECT id::text AS value FROM memberships WHERE account_id = '{ann}'"),
    );
    let changed = owner
        .post(
            &format!("/o/acme/members/{membership}/role"),
            &[("role", "technician")],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM memberships WHERE account_id = '{ann}' AND role = 'technician' \
             AND tenant_id IS NULL"
        )),
        1
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.tenants WHERE portal_account_id IS NOT NULL"),
        0
    );
}
