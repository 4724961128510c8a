//! What a catalog holds, read with Fluent's own parser: its messages and the
//! variables each uses.

use fluent_syntax::ast;
use std::collections::{BTreeMap, BTreeSet};

/// A message or attribute (`id`, `id.attr`, `-term`) and the variables it uses.
pub type Shape = BTreeMap<String, BTreeSet<String>>;

/// The messages of a catalog's text: each message, attribute (`id.attr`) and
/// term (`-term`) with the variables it uses; or why the text does not parse.
/// The catalogs' tests compare languages with it, and the chat page's types
/// are generated from it.
pub fn shape(source: &str) -> Result<Shape, String> {
    let resource =
        fluent_syntax::parser::parse(source).map_err(|(_, errors)| format!("{errors:?}"))?;
    let mut shape = Shape::new();
    let mut add = |id: String, p: Option<&ast::Pattern<&str>>| {
        let mut vars = BTreeSet::new();
        if let Some(p) = p {
            variables(p, &mut vars);
        }
        shape.insert(id, vars);
    };
    for entry in &resource.body {
        let (id, value, attributes) = match entry {
            ast::Entry::Message(m) => (m.id.name.to_string(), m.value.as_ref(), &m.attributes),
            ast::Entry::Term(t) => (format!("-{}", t.id.name), Some(&t.value), &t.attributes),
            ast::Entry::Junk { content } => return Err(format!("cannot read {content:?}")),
            _ => continue,
        };
        for a in attributes {
            add(format!("{id}.{}", a.id.name), Some(&a.value));
        }
        add(id, value);
    }
    Ok(shape)
}

fn variables(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for e in &p.elements {
        if let ast::PatternElement::Placeable { expression } = e {
            expression_vars(expression, out);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Inline(i) => inline_vars(i, out),
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            for v in variants {
                variables(&v.value, out);
            }
        }
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, out);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, out),
        _ => {}
    }
}
