//! SQL text fixed at compile time inside a query built with Diesel's DSL.
//!
//! Diesel's `sql()` marks every query it is part of as never to be kept as a prepared
//! statement, because its text may be built at run time. A `&'static str` cannot be, so a
//! query using [`static_sql`] is prepared once per connection (Diesel keys such statements by
//! their SQL text) and PostgreSQL does not parse and plan it again on every request.

use std::marker::PhantomData;

use diesel::expression::{is_aggregate, AppearsOnTable, Expression, SelectableExpression};
use diesel::expression::{TypedExpressionType, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::SqlType;
use diesel::QueryResult;

/// An SQL expression of type `ST` written as text.
#[derive(Debug, Clone, Copy)]
pub struct StaticSql<ST> {
    sql: &'static str,
    sql_type: PhantomData<ST>,
}

/// `sql` as an expression of type `ST`, like `diesel::dsl::sql` but kept with the statement.
pub fn static_sql<ST>(sql: &'static str) -> StaticSql<ST> {
    StaticSql {
        sql,
        sql_type: PhantomData,
    }
}

impl<ST: SqlType + TypedExpressionType> Expression for StaticSql<ST> {
    type SqlType = ST;
}

impl<ST> QueryFragment<Pg> for StaticSql<ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(self.sql);
        Ok(())
    }
}

impl<ST> QueryId for StaticSql<ST> {
    type QueryId = ();
    // Not static: the statement is then kept under its SQL text, which includes this text.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST, QS> SelectableExpression<QS> for StaticSql<ST> where Self: Expression {}

impl<ST, QS> AppearsOnTable<QS> for StaticSql<ST> where Self: Expression {}

impl<ST, GB> ValidGrouping<GB> for StaticSql<ST> {
    type IsAggregate = is_aggregate::Never;
}
