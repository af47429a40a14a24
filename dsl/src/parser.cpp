#include "parser.hpp"

#include "suggest.hpp"

#include <algorithm>
#include <array>

namespace rtdl {
namespace {

constexpr std::array<std::string_view, 7> clause_words{"timeout",  "rate",      "to",     "volatile",
                                                       "conflate", "resumable", "collect"};
constexpr std::array<std::string_view, 12> scalar_words{
    "bool", "i32", "i64", "u32", "u64", "f32", "f64", "string", "bytes", "timestamp", "duration", "json"};

/// Where a member list is being parsed; decides which words start a new member.
enum class level { top, type_body, namespace_body, room_body };

class parser {
public:
    parser(const std::vector<token>& tokens, diagnostic_engine& diags) : toks_(tokens), diags_(diags) {}

    ast::file run()
    {
        ast::file file;
        parse_version(file);
        bool seen_package = false, seen_decl = false;
        while (!at_end()) {
            std::size_t before = pos_;
            bool ok = true;
            if (cur().is_word("import") && peek().is(token_kind::string)) {
                if (seen_package || seen_decl)
                    expected_error(cur().where, "imports come before `package` and the declarations")
                        .label("move this import up");
                ok = parse_import(file);
            }
            else if (cur().is_word("package") && peek().is(token_kind::identifier)) {
                if (seen_package)
                    expected_error(cur().where, "a file has one `package` line").label("second `package`");
                else if (seen_decl)
                    expected_error(cur().where, "`package` comes before the declarations")
                        .label("move this line up");
                seen_package = true;
                ok = parse_package(file);
            }
            else if (cur().is(token_kind::r_brace)) {
                expected_error(cur().where, "this `}` closes nothing")
                    .label("no block is open here")
                    .help("remove it");
                advance();
            }
            else {
                seen_decl = true;
                ok = parse_declaration(file);
            }
            if (!ok)
                recover(level::top);
            if (pos_ == before)
                advance();
        }
        return file;
    }

private:
    // ---- token access ---------------------------------------------------------------
    const token& cur() const { return toks_[pos_]; }
    const token& peek(std::size_t n = 1) const { return toks_[std::min(pos_ + n, toks_.size() - 1)]; }
    const token& prev() const { return toks_[pos_ == 0 ? 0 : pos_ - 1]; }
    bool at_end() const { return cur().is(token_kind::end_of_file); }
    const token& advance()
    {
        const token& t = cur();
        if (!at_end())
            ++pos_;
        return t;
    }
    bool accept(token_kind k)
    {
        if (!cur().is(k))
            return false;
        advance();
        return true;
    }
    bool accept_word(std::string_view w)
    {
        if (!cur().is_word(w))
            return false;
        advance();
        return true;
    }
    span since(span start) const { return merge(start, prev().where); }

    // ---- errors ---------------------------------------------------------------------
    std::string found() const
    {
        auto& t = cur();
        switch (t.kind) {
        case token_kind::identifier:
        case token_kind::integer:
        case token_kind::number:
        case token_kind::duration:
        case token_kind::size: return "`" + std::string(t.source) + "`";
        default: return std::string(describe(t.kind));
        }
    }

    diagnostic& expected_error(span where, std::string message)
    {
        return diags_.error("E0006", where, std::move(message));
    }

    /** "expected X after Y, found Z". When the unexpected word starts another line, the
        caret goes right after the previous token: that is where something is missing.
    */
    /// "did you mean `struct`?" for a misspelt keyword (`stuct`), with the fix.
    static void keyword_typo(diagnostic& d, const token& t, const std::vector<std::string>& keywords)
    {
        if (!d.helps.empty())
            return;
        auto s = suggest(t.text, keywords);
        if (!s.empty())
            d.help(did_you_mean(s)).fix(t.where, s[0]);
    }

    diagnostic& expected(std::string_view what, std::string_view context, bool at_found = false)
    {
        std::string message = "expected " + std::string(what);
        if (!context.empty())
            message += " " + std::string(context);
        message += ", found " + found();
        if (!at_found && (cur().first_on_line || at_end()) && pos_ > 0) {
            span after{prev().where.file, prev().where.end, prev().where.end};
            return expected_error(after, message).label("expected " + std::string(what) + " here");
        }
        return expected_error(cur().where, message).label("expected " + std::string(what));
    }

    bool expect(token_kind k, std::string_view context)
    {
        if (accept(k))
            return true;
        auto& d = expected(describe(k), context);
        // Punctuation that is simply missing: say so, with the insertion as a fix-it.
        std::string_view text = k == token_kind::semicolon   ? ";"
                                : k == token_kind::r_angle   ? ">"
                                : k == token_kind::r_paren   ? ")"
                                : k == token_kind::r_bracket ? "]"
                                : k == token_kind::r_brace   ? "}"
                                                             : "";
        if (!text.empty())
            d.help("add the missing `" + std::string(text) + "`")
                .fix(span{d.primary().file, d.primary().begin, d.primary().begin}, std::string(text));
        return false;
    }

    bool expect_ident(ast::ident& out, std::string_view what, std::string_view context)
    {
        if (!cur().is(token_kind::identifier)) {
            expected(what, context);
            return false;
        }
        out = ident_here();
        return true;
    }

    ast::ident ident_here()
    {
        const token& t = advance();
        return ast::ident{t.text, t.where};
    }

    // ---- recovery -------------------------------------------------------------------
    bool starts_member(level lv) const
    {
        const token& t = cur();
        if (!t.first_on_line)
            return false;
        if (t.is(token_kind::at))
            return lv != level::room_body;
        if (!t.is(token_kind::identifier))
            return false;
        switch (lv) {
        case level::top:
            return (peek().is(token_kind::identifier) &&
                    (t.text == "struct" || t.text == "enum" || t.text == "union" || t.text == "type" ||
                     t.text == "namespace" || t.text == "package")) ||
                   (t.text == "import" && peek().is(token_kind::string));
        case level::type_body:
            // `name: type`, or a C-style `type name` that parse_field reports by itself.
            return peek().is(token_kind::colon) ||
                   (peek().is(token_kind::identifier) && !peek().first_on_line);
        case level::namespace_body:
            return (peek().is(token_kind::identifier) &&
                    (t.text == "on" || t.text == "emit" || t.text == "room" || t.text == "middleware")) ||
                   peek().is(token_kind::equals);
        case level::room_body: return peek().is(token_kind::equals);
        }
        return false;
    }

    /// Skips to the end of the broken member: past a `;`, before a `}` of this level,
    /// or before a line that starts a new member.
    void recover(level lv)
    {
        int depth = 0;
        std::size_t start = pos_;
        while (!at_end()) {
            if (depth == 0) {
                if (cur().is(token_kind::semicolon)) {
                    advance();
                    return;
                }
                if (cur().is(token_kind::r_brace))
                    return;
                if (starts_member(lv) && (pos_ != start || lv != level::top))
                    return;
            }
            if (cur().is(token_kind::l_brace))
                ++depth;
            else if (cur().is(token_kind::r_brace))
                --depth;
            advance();
        }
    }

    // ---- file level -----------------------------------------------------------------
    void parse_version(ast::file& file)
    {
        if (cur().is_word("rtdl") && peek().is(token_kind::integer)) {
            advance();
            const token& v = advance();
            if (v.value != 1 && !v.malformed) {
                diags_.error("E0007", v.where, "this compiler reads rtdl version 1, not " + v.text)
                    .label("unsupported version")
                    .help("write `rtdl 1;`");
            }
            file.version = v.value;
            if (!expect(token_kind::semicolon, "after `rtdl " + v.text + "`"))
                recover(level::top);
            return;
        }
        span where = cur().where;
        if (cur().is_word("rtdl")) {
            advance();
            expected("the language version, `1`", "after `rtdl`");
            recover(level::top);
            return;
        }
        diags_
            .error("E0007", span{where.file, where.begin, where.begin}, "the file must start with `rtdl 1;`")
            .label("expected `rtdl 1;` before this")
            .help("add `rtdl 1;` as the first line: it names the language version the file is written in")
            .fix(span{where.file, 0, 0}, "rtdl 1;\n");
    }

    bool parse_import(ast::file& file)
    {
        ast::import_decl imp;
        span start = advance().where;
        const token& path = advance();
        imp.path = {path.text, path.offsets, path.where};
        if (accept_word("as")) {
            ast::ident alias;
            if (!expect_ident(alias, "a name", "after `as`"))
                return false;
            imp.alias = alias;
        }
        imp.where = since(start);
        file.imports.push_back(std::move(imp));
        return expect(token_kind::semicolon, "after the import");
    }

    bool parse_qualified(ast::qualified_name& out)
    {
        out.parts.push_back(ident_here());
        bool ok = true;
        while (ok && cur().is(token_kind::dot)) {
            advance();
            ast::ident part;
            ok = expect_ident(part, "a name", "after `.`");
            if (ok)
                out.parts.push_back(part);
        }
        out.where = merge(out.parts.front().where, out.parts.back().where);
        return ok;
    }

    bool parse_package(ast::file& file)
    {
        advance();
        ast::qualified_name name;
        if (!parse_qualified(name))
            return false;
        if (!file.package)
            file.package = name;
        return expect(token_kind::semicolon, "after the package name");
    }

    bool parse_attributes(std::vector<ast::attribute>& out)
    {
        while (cur().is(token_kind::at)) {
            ast::attribute a;
            span start = advance().where;
            if (!expect_ident(a.name, "an attribute name", "after `@`"))
                return false;
            if (accept(token_kind::l_paren)) {
                while (!cur().is(token_kind::r_paren)) {
                    ast::attribute_arg arg;
                    if (cur().is(token_kind::identifier) && peek().is(token_kind::colon)) {
                        arg.name = ident_here();
                        advance();
                    }
                    if (!parse_value(arg.value, "as the attribute argument"))
                        return false;
                    a.args.push_back(std::move(arg));
                    if (!accept(token_kind::comma))
                        break;
                }
                if (!expect(token_kind::r_paren, "to close the attribute's arguments"))
                    return false;
            }
            a.where = since(start);
            out.push_back(std::move(a));
        }
        return true;
    }

    bool parse_declaration(ast::file& file)
    {
        ast::decl_header header;
        header.doc = cur().doc;
        if (!parse_attributes(header.attributes))
            return false;
        const token& t = cur();
        if (t.is_word("struct") && peek().is(token_kind::identifier))
            return parse_struct(file, std::move(header));
        if (t.is_word("enum") && peek().is(token_kind::identifier))
            return parse_enum(file, std::move(header));
        if (t.is_word("union") && peek().is(token_kind::identifier))
            return parse_union(file, std::move(header));
        if (t.is_word("type") && peek().is(token_kind::identifier))
            return parse_alias(file, std::move(header));
        if (t.is_word("namespace") && peek().is(token_kind::identifier))
            return parse_namespace(file, std::move(header));
        auto& d = expected("a declaration (`struct`, `enum`, `union`, `type` or `namespace`)", "", true);
        if (t.is_word("rtdl"))
            d.help("`rtdl 1;` goes once, on the first line");
        else if (t.is_word("class") || t.is_word("message") || t.is_word("record"))
            d.help("declare records with `struct`");
        else if (t.is_word("on") || t.is_word("emit") || t.is_word("room"))
            d.help("events and rooms are declared inside a `namespace NAME at \"/path\" { … }` block");
        else if (t.is(token_kind::identifier))
            keyword_typo(d, t, {"struct", "enum", "union", "type", "namespace", "import", "package"});
        return false;
    }

    bool parse_struct(ast::file& file, ast::decl_header header)
    {
        ast::struct_decl s;
        static_cast<ast::decl_header&>(s) = std::move(header);
        s.keyword = advance().where;
        s.name = ident_here();
        bool ok = parse_fields(s.fields);
        s.where = since(s.keyword);
        file.types.emplace_back(std::move(s));
        return ok;
    }

    bool parse_fields(std::vector<ast::field>& fields)
    {
        if (!expect(token_kind::l_brace, "after the struct name"))
            return false;
        while (!cur().is(token_kind::r_brace) && !at_end()) {
            std::size_t before = pos_;
            if (!parse_field(fields))
                recover(level::type_body);
            if (pos_ == before)
                advance();
        }
        return expect(token_kind::r_brace, "to close the struct");
    }

    bool parse_field(std::vector<ast::field>& fields)
    {
        ast::field f;
        f.doc = cur().doc;
        if (!parse_attributes(f.attributes))
            return false;
        if (!cur().is(token_kind::identifier)) {
            expected("a field name", "", true);
            return false;
        }
        f.name = ident_here();
        if (!cur().is(token_kind::colon)) {
            auto& d = expected("`:`", "after the field name `" + f.name.text + "`");
            bool type_first =
                std::find(scalar_words.begin(), scalar_words.end(), f.name.text) != scalar_words.end();
            if (type_first && cur().is(token_kind::identifier))
                d.help("the name comes first: write `" + cur().text + ": " + f.name.text + "`");
            else
                d.help("fields are written `name: type`");
            return false;
        }
        advance();
        bool ok = parse_type(f.type, "for the field `" + f.name.text + "`");
        if (ok && accept(token_kind::equals)) {
            ast::value v;
            ok = parse_value(v, "as the default");
            f.default_value = std::move(v);
        }
        f.where = since(f.name.where);
        fields.push_back(std::move(f));
        if (ok && !accept(token_kind::comma))
            accept(token_kind::semicolon);
        return ok;
    }

    bool parse_enum(ast::file& file, ast::decl_header header)
    {
        ast::enum_decl e;
        static_cast<ast::decl_header&>(e) = std::move(header);
        e.keyword = advance().where;
        e.name = ident_here();
        bool ok = expect(token_kind::l_brace, "after the enum name");
        while (ok && !cur().is(token_kind::r_brace) && !at_end()) {
            ast::enumerator en;
            en.doc = cur().doc;
            bool good = parse_attributes(en.attributes);
            if (good && !cur().is(token_kind::identifier)) {
                expected("an enumerator name", "", true);
                good = false;
            }
            if (good) {
                en.name = ident_here();
                e.enumerators.push_back(std::move(en));
                if (accept(token_kind::comma) || cur().is(token_kind::r_brace))
                    continue;
                expected("`,`", "between enumerators");
                if (cur().is(token_kind::identifier))
                    continue;
            }
            while (!at_end() && !cur().is(token_kind::r_brace) && !accept(token_kind::comma))
                advance();
        }
        if (ok)
            ok = expect(token_kind::r_brace, "to close the enum");
        e.where = since(e.keyword);
        file.types.emplace_back(std::move(e));
        return ok;
    }

    bool parse_union(ast::file& file, ast::decl_header header)
    {
        ast::union_decl u;
        static_cast<ast::decl_header&>(u) = std::move(header);
        u.keyword = advance().where;
        u.name = ident_here();
        bool ok = true;
        if (accept_word("tag")) {
            if (cur().is(token_kind::string)) {
                const token& t = advance();
                u.tag = ast::string_literal{t.text, t.offsets, t.where};
            }
            else {
                expected("a string", "after `tag`")
                    .help("the tag names the discriminating key: `tag \"kind\"`");
                ok = false;
            }
        }
        ok = ok && expect(token_kind::l_brace, "after the union name");
        while (ok && !cur().is(token_kind::r_brace) && !at_end()) {
            std::size_t before = pos_;
            if (!parse_variant(u.variants))
                recover(level::type_body);
            if (pos_ == before)
                advance();
        }
        if (ok)
            ok = expect(token_kind::r_brace, "to close the union");
        u.where = since(u.keyword);
        file.types.emplace_back(std::move(u));
        return ok;
    }

    bool parse_variant(std::vector<ast::variant>& variants)
    {
        ast::variant v;
        v.doc = cur().doc;
        if (!parse_attributes(v.attributes))
            return false;
        if (!cur().is(token_kind::identifier)) {
            expected("a variant name", "", true);
            return false;
        }
        v.name = ident_here();
        if (!cur().is(token_kind::colon)) {
            expected("`:`", "after the variant name `" + v.name.text + "`")
                .help("variants are written `name: Struct`");
            return false;
        }
        advance();
        bool ok = parse_type(v.type, "for the variant `" + v.name.text + "`");
        v.where = since(v.name.where);
        variants.push_back(std::move(v));
        if (ok && !accept(token_kind::comma))
            accept(token_kind::semicolon);
        return ok;
    }

    bool parse_alias(ast::file& file, ast::decl_header header)
    {
        ast::alias_decl a;
        static_cast<ast::decl_header&>(a) = std::move(header);
        a.keyword = advance().where;
        a.name = ident_here();
        bool ok = expect(token_kind::equals, "after the type name") && parse_type(a.target, "after `=`") &&
                  expect(token_kind::semicolon, "after the type");
        a.where = since(a.keyword);
        file.types.emplace_back(std::move(a));
        return ok;
    }

    /// Nesting beyond this is surely not a real contract; the limit keeps the recursion
    /// (here and in every later pass over types and values) off the end of the stack.
    static constexpr int max_depth = 64;

    bool too_deep(int depth)
    {
        if (depth <= max_depth)
            return false;
        expected_error(cur().where, "this nests more than " + std::to_string(max_depth) + " levels deep")
            .label("too deep")
            .help("flatten it with a named struct or alias");
        return true;
    }

    bool parse_type(ast::type_expr& out, std::string_view context, int depth = 0)
    {
        if (too_deep(depth))
            return false;
        // A type left out at the end of a line: the next line's declaration is not it.
        bool next_member =
            cur().first_on_line && (starts_member(level::namespace_body) || starts_member(level::type_body) ||
                                    starts_member(level::top));
        if (!cur().is(token_kind::identifier) || next_member) {
            expected("a type", context);
            return false;
        }
        const token& t = cur();
        bool generic = t.text == "optional" || t.text == "array" || t.text == "map";
        if (!generic && peek().is(token_kind::l_angle)) {
            // `optinal<T>`: only the three built-ins take arguments. Say which was meant,
            // then read the arguments as that one's, so one typo is one error.
            auto s = suggest(t.text, {"optional", "array", "map"});
            auto& d = expected_error(t.where, "unknown generic type `" + t.text + "`")
                          .label("only `optional<T>`, `array<T>` and `map<K, V>` take type arguments");
            if (s.empty()) {
                d.help("write a built-in generic, or the name of a declared type without `<…>`");
                return false;
            }
            d.help(did_you_mean(s)).fix(t.where, s[0]);
            span start = advance().where;
            advance();
            out.form = s[0] == "optional" ? ast::type_form::optional
                       : s[0] == "array"  ? ast::type_form::array
                                          : ast::type_form::map;
            out.args.resize(out.form == ast::type_form::map ? 2 : 1);
            bool ok = parse_type(out.args[0], "inside `" + s[0] + "<…>`", depth + 1);
            if (ok && out.form == ast::type_form::map)
                ok = expect(token_kind::comma, "after the key type of the map") &&
                     parse_type(out.args[1], "for the map's values", depth + 1);
            ok = ok && expect(token_kind::r_angle, "to close `" + s[0] + "<…>`");
            out.where = since(start);
            out.form = ast::type_form::invalid;  // reported: no cascade from the checker
            return ok;
        }
        if (generic && peek().is(token_kind::l_angle)) {
            span start = advance().where;
            advance();
            out.form = t.text == "optional" ? ast::type_form::optional
                       : t.text == "array"  ? ast::type_form::array
                                            : ast::type_form::map;
            out.args.resize(out.form == ast::type_form::map ? 2 : 1);
            std::string name = t.text;
            bool ok = parse_type(out.args[0], "inside `" + name + "<…>`", depth + 1);
            if (ok && out.form == ast::type_form::map)
                ok = expect(token_kind::comma, "after the key type of the map") &&
                     parse_type(out.args[1], "for the map's values", depth + 1);
            ok = ok && expect(token_kind::r_angle, "to close `" + name + "<…>`");
            out.where = since(start);
            if (!ok)
                out.form = ast::type_form::invalid;
            return ok;
        }
        if (generic && peek().is(token_kind::identifier) && !peek().first_on_line) {
            advance();
            expected("`<`", "after `" + t.text + "`")
                .help(t.text == "map" ? "write `map<K, V>`" : "write `" + t.text + "<" + cur().text + ">`");
            return false;
        }
        bool ok = parse_qualified(out.name);
        out.form = ok ? ast::type_form::name : ast::type_form::invalid; // a half name is not looked up
        out.where = out.name.where;
        return ok;
    }

    /// A value that fails to parse is kept as `invalid`, so nothing checks it again.
    bool parse_value(ast::value& v, std::string_view context, int depth = 0)
    {
        bool ok = !too_deep(depth) && parse_value_impl(v, context, depth);
        if (!ok)
            v.kind = ast::value_kind::invalid;
        return ok;
    }

    bool parse_value_impl(ast::value& v, std::string_view context, int depth)
    {
        const token& t = cur();
        v.where = t.where;
        switch (t.kind) {
        case token_kind::integer:
            v.kind = t.malformed ? ast::value_kind::invalid : ast::value_kind::integer;
            v.text = t.text;
            v.integer = t.value;
            advance();
            return true;
        case token_kind::number:
            v.kind = ast::value_kind::number;
            v.text = t.text;
            advance();
            return true;
        case token_kind::string:
            v.kind = ast::value_kind::string;
            v.text = t.text;
            advance();
            return true;
        case token_kind::duration:
        case token_kind::size:
            v.kind = t.malformed                  ? ast::value_kind::invalid
                     : t.is(token_kind::duration) ? ast::value_kind::duration
                                                  : ast::value_kind::size;
            v.text = std::string(t.source);
            v.integer = t.value;
            advance();
            return true;
        case token_kind::identifier:
            if (t.text == "true" || t.text == "false") {
                v.kind = ast::value_kind::boolean;
                v.boolean = t.text == "true";
                v.text = t.text;
                advance();
                return true;
            }
            if (t.text == "null") {
                v.kind = ast::value_kind::null;
                v.text = t.text;
                advance();
                return true;
            }
            v.kind = ast::value_kind::name;
            if (!parse_qualified(v.name))
                return false;
            v.text = v.name.str();
            v.where = v.name.where;
            return true;
        case token_kind::l_bracket: {
            advance();
            v.kind = ast::value_kind::list;
            while (!cur().is(token_kind::r_bracket)) {
                ast::value item;
                if (!parse_value(item, "in the list", depth + 1))
                    return false;
                v.items.push_back(std::move(item));
                if (!accept(token_kind::comma))
                    break;
            }
            bool ok = expect(token_kind::r_bracket, "to close the list");
            v.where = since(v.where);
            return ok;
        }
        default: expected("a value", context); return false;
        }
    }

    // ---- namespaces -----------------------------------------------------------------
    bool parse_namespace(ast::file& file, ast::decl_header header)
    {
        ast::namespace_decl ns;
        static_cast<ast::decl_header&>(ns) = std::move(header);
        ns.keyword = advance().where;
        ns.name = ident_here();
        bool ok = true;
        if (!accept_word("at")) {
            expected("`at \"/path\"`", "after the namespace name")
                .help("a namespace names its Socket.IO path: `namespace " + ns.name.text + " at \"/" +
                      ns.name.text + "\" { … }`");
            ok = false;
        }
        else if (cur().is(token_kind::string)) {
            const token& t = advance();
            ns.path = {t.text, t.offsets, t.where};
        }
        else {
            expected("the namespace path as a string", "after `at`")
                .help("e.g. `at \"/" + ns.name.text + "\"`");
            ok = false;
        }
        const span open = cur().where;
        ok = ok && expect(token_kind::l_brace, "to open the namespace");
        bool unclosed = false;
        while (ok && !cur().is(token_kind::r_brace) && !at_end()) {
            // A type or another namespace at the start of a line: this block's `}` is
            // missing. Say so where the block opened, and read on from the declaration.
            const token& t = cur();
            if (t.first_on_line && peek().is(token_kind::identifier) &&
                (t.is_word("struct") || t.is_word("enum") || t.is_word("union") || t.is_word("namespace") ||
                 t.is_word("type"))) {
                diags_.error("E0006", open, "namespace `" + ns.name.text + "` is not closed")
                    .label("this `{` has no matching `}`")
                    .secondary(t.where, "a new declaration starts here")
                    .help("add `}` at the end of the namespace, before this declaration");
                unclosed = true;
                break;
            }
            std::size_t before = pos_;
            if (!parse_member(ns))
                recover(level::namespace_body);
            if (pos_ == before)
                advance();
        }
        if (ok && !unclosed && at_end()) {
            diags_.error("E0006", open, "namespace `" + ns.name.text + "` is not closed")
                .label("this `{` has no matching `}`")
                .secondary(cur().where, "the file ends here")
                .help("add `}` at the end of the namespace");
            ok = false;
        }
        else if (ok && !unclosed)
            ok = expect(token_kind::r_brace, "to close the namespace");
        ns.where = since(ns.keyword);
        file.namespaces.push_back(std::move(ns));
        return ok;
    }

    bool parse_member(ast::namespace_decl& ns)
    {
        ast::decl_header header;
        header.doc = cur().doc;
        if (!parse_attributes(header.attributes))
            return false;
        const token& t = cur();
        if (t.is(token_kind::identifier) && peek().is(token_kind::equals)) {
            ast::setting s;
            static_cast<ast::decl_header&>(s) = std::move(header);
            bool ok = parse_setting(s);
            ns.settings.push_back(std::move(s));
            return ok;
        }
        bool named = peek().is(token_kind::identifier);
        if (t.is_word("middleware") && named)
            return parse_middleware(ns, std::move(header));
        if (t.is_word("room") && named)
            return parse_room(ns, std::move(header));
        if ((t.is_word("on") || t.is_word("emit")) && named)
            return parse_event(ns, std::move(header));
        if (t.is_word("middleware") || t.is_word("room") || t.is_word("on") || t.is_word("emit")) {
            // The keyword is right; what follows it is not a name. Saying "expected `room`,
            // found `room`" would contradict itself.
            advance();
            const char* whose = t.is_word("room") ? "room's" : t.is_word("middleware") ? "middleware's" : "event's";
            expected(std::string("the ") + whose + " name", "after `" + t.text + "`")
                .help(t.is_word("room")         ? "e.g. `room lobby \"lobby\" { join = open; }`"
                      : t.is_word("middleware") ? "e.g. `middleware audit on connect;`"
                                                : "e.g. `" + t.text + " ping();`");
            return false;
        }
        auto& d = expected("a setting, `middleware`, `room`, `on` or `emit`", "in the namespace", true);
        if (t.is(token_kind::identifier) && peek().is(token_kind::colon))
            d.help("settings are written `" + t.text + " = value;`");
        else if (t.is_word("struct") || t.is_word("enum") || t.is_word("type") || t.is_word("union"))
            d.help("types are declared outside namespaces, at the top of the file");
        else if (t.is(token_kind::identifier))
            keyword_typo(d, t, {"middleware", "room", "on", "emit"});
        return false;
    }

    bool parse_setting(ast::setting& s)
    {
        s.name = ident_here();
        advance(); // `=`
        bool ok = parse_value(s.value, "after `" + s.name.text + " =`") &&
                  expect(token_kind::semicolon, "after the setting");
        s.where = since(s.name.where);
        return ok;
    }

    bool parse_middleware(ast::namespace_decl& ns, ast::decl_header header)
    {
        ast::middleware_decl m;
        static_cast<ast::decl_header&>(m) = std::move(header);
        span start = advance().where;
        m.name = ident_here();
        bool ok = true;
        if (!accept_word("on")) {
            expected("`on`", "after the middleware name")
                .help("name the phases it runs in: `middleware " + m.name.text + " on connect;`");
            ok = false;
        }
        else {
            ast::ident phase;
            ok = expect_ident(phase, "a phase (connect, join, event, emit or disconnect)", "after `on`");
            if (ok)
                m.phases.push_back(phase);
            while (ok && accept(token_kind::comma)) {
                ok = expect_ident(phase, "a phase", "after `,`");
                if (ok)
                    m.phases.push_back(phase);
            }
            ok = ok && expect(token_kind::semicolon, "after the middleware");
        }
        m.where = since(start);
        ns.middleware.push_back(std::move(m));
        return ok;
    }

    bool parse_room(ast::namespace_decl& ns, ast::decl_header header)
    {
        ast::room_decl r;
        static_cast<ast::decl_header&>(r) = std::move(header);
        span start = advance().where;
        r.name = ident_here();
        bool ok = true;
        if (!cur().is(token_kind::string)) {
            expected("the room's key pattern as a string", "after the room name")
                .help("e.g. `room " + r.name.text + " \"" + r.name.text + ":{id: string}\";`");
            ok = false;
        }
        else {
            const token& t = advance();
            r.pattern = {t.text, t.offsets, t.where};
            if (accept(token_kind::l_brace)) {
                while (!cur().is(token_kind::r_brace) && !at_end()) {
                    std::size_t before = pos_;
                    if (!parse_room_setting(r))
                        recover(level::room_body);
                    if (pos_ == before)
                        advance();
                }
                ok = expect(token_kind::r_brace, "to close the room");
            }
            else if (!accept(token_kind::semicolon)) {
                expected("`;` or `{`", "after the room pattern");
                ok = false;
            }
        }
        r.where = since(start);
        ns.rooms.push_back(std::move(r));
        return ok;
    }

    bool parse_room_setting(ast::room_decl& r)
    {
        ast::setting s;
        s.doc = cur().doc;
        if (!parse_attributes(s.attributes))
            return false;
        if (!cur().is(token_kind::identifier) || !peek().is(token_kind::equals)) {
            expected("a room setting (`name = value;`)", "", true);
            return false;
        }
        bool ok = parse_setting(s);
        r.settings.push_back(std::move(s));
        return ok;
    }

    bool parse_event(ast::namespace_decl& ns, ast::decl_header header)
    {
        ast::event_decl e;
        static_cast<ast::decl_header&>(e) = std::move(header);
        e.keyword = advance().where;
        e.is_emit = prev().text == "emit";
        e.name = ident_here();
        bool ok = parse_event_signature(e) && parse_clauses(e);
        e.where = since(e.keyword);
        ns.events.push_back(std::move(e));
        return ok;
    }

    bool parse_event_signature(ast::event_decl& e)
    {
        if (!cur().is(token_kind::l_paren)) {
            expected("`(`", "after the event name")
                .help("write the payload type in parentheses, or `" + e.name.text +
                      "()` for an event without one");
            return false;
        }
        advance();
        if (!cur().is(token_kind::r_paren)) {
            ast::type_expr payload;
            if (!parse_type(payload, "as the event's payload"))
                return false;
            e.payload = std::move(payload);
        }
        if (!expect(token_kind::r_paren, "after the payload type"))
            return false;
        bool arrow = accept(token_kind::arrow);
        if (!arrow && cur().is(token_kind::equals) && peek().is(token_kind::r_angle) &&
            peek().where.begin == cur().where.end) {
            // `=>` (JavaScript, Scala, C#): say what rtdl writes, then read on as `->`.
            span fat{cur().where.file, cur().where.begin, peek().where.end};
            diags_.error("E0006", fat, "`=>` is not rtdl's reply arrow")
                .label("the reply type follows `->`")
                .help("write `->`")
                .fix(fat, "->");
            advance();
            advance();
            arrow = true;
        }
        if (arrow) {
            ast::type_expr reply;
            if (!parse_type(reply, "after `->`"))
                return false;
            e.reply = std::move(reply);
        }
        return true;
    }

    bool parse_clauses(ast::event_decl& e)
    {
        while (cur().is(token_kind::identifier) && !starts_member(level::namespace_body)) {
            const token& word = cur();
            ast::clause c;
            c.keyword = word.where;
            bool ok = true;
            if (word.text == "timeout") {
                c.kind = ast::clause_kind::timeout;
                advance();
                if (cur().is(token_kind::duration)) {
                    c.duration_ms = cur().value;
                    c.malformed = cur().malformed;
                    advance();
                }
                else if (cur().is(token_kind::integer)) {
                    bool reported = cur().malformed;
                    auto& d = expected("a duration", "after `timeout`");
                    if (!reported)
                        d.help("give the unit: `" + cur().text + "s` or `" + cur().text + "ms`");
                    ok = false;
                }
                else {
                    expected("a duration such as `5s`", "after `timeout`");
                    ok = false;
                }
            }
            else if (word.text == "rate") {
                c.kind = ast::clause_kind::rate;
                advance();
                ok = parse_rate(c);
            }
            else if (word.text == "to") {
                c.kind = ast::clause_kind::to;
                advance();
                ast::ident room;
                ok = expect_ident(room, "a room name", "after `to`");
                if (ok)
                    c.rooms.push_back(room);
                while (ok && accept(token_kind::comma)) {
                    ok = expect_ident(room, "a room name", "after `,`");
                    if (ok)
                        c.rooms.push_back(room);
                }
            }
            else if (word.text == "volatile" || word.text == "resumable") {
                c.kind = word.text == "volatile" ? ast::clause_kind::volatile_ : ast::clause_kind::resumable;
                advance();
            }
            else if (word.text == "conflate") {
                c.kind = ast::clause_kind::conflate;
                advance();
                if (accept_word("by")) {
                    ast::ident field;
                    ok = expect_ident(field, "a payload field", "after `by`");
                    c.by = field;
                }
            }
            else if (word.text == "collect") {
                c.kind = ast::clause_kind::collect;
                advance();
                ok = expect_ident(c.policy, "`all`, `any`, `quorum` or `first N`", "after `collect`");
                if (ok && c.policy.text == "first") {
                    if (cur().is(token_kind::integer)) {
                        c.first_n = advance().value;
                    }
                    else {
                        expected("a count", "after `collect first`").help("e.g. `collect first 3`");
                        ok = false;
                    }
                }
            }
            else {
                unknown_clause(e);
                continue;
            }
            if (!ok)
                return false;
            c.where = since(c.keyword);
            e.clauses.push_back(std::move(c));
        }
        return expect(token_kind::semicolon,
                      std::string("after the `") + (e.is_emit ? "emit" : "on") + "` event");
    }

    bool parse_rate(ast::clause& c)
    {
        if (!cur().is(token_kind::integer)) {
            auto& d = expected("a rate such as `5/s`", "after `rate`");
            if (cur().is(token_kind::duration))
                d.help("a rate is a count per unit: `rate 5/s`");
            return false;
        }
        c.rate_count = advance().value;
        if (!cur().is(token_kind::slash)) {
            expected("`/`", "after the count").help("a rate is a count per unit: `rate 5/s`");
            return false;
        }
        advance();
        if (!expect_ident(c.rate_unit, "a time unit (`s`, `m` or `h`)", "after `/`"))
            return false;
        if (accept_word("burst")) {
            if (!cur().is(token_kind::integer)) {
                expected("a whole number", "after `burst`");
                return false;
            }
            c.burst = advance().value;
        }
        if (accept_word("per")) {
            ast::ident scope;
            if (!expect_ident(scope, "`connection`, `user` or `ip`", "after `per`"))
                return false;
            c.scope = scope;
        }
        return true;
    }

    void unknown_clause(const ast::event_decl& e)
    {
        const token& word = advance();
        std::vector<std::string> names(clause_words.begin(), clause_words.end());
        auto& d = diags_.error("E0405", word.where,
                               "`" + word.text + "` is not a clause of " +
                                   (e.is_emit ? "an `emit`" : "an `on`") + " event");
        auto s = suggest(word.text, names);
        d.label(s.empty() ? "unknown clause" : "unknown clause; " + did_you_mean(s));
        if (!s.empty())
            d.help("write `" + s[0] + "`").fix(word.where, s[0]);
        else
            d.help(e.is_emit ? "the emit clauses are timeout, to, volatile, conflate, resumable and collect"
                             : "the on clauses are timeout and rate");
        // Skip the clause's arguments too, so they are not taken for more clauses.
        while (!at_end() && !cur().is(token_kind::semicolon) && !cur().is(token_kind::identifier) &&
               !cur().is(token_kind::r_brace))
            advance();
    }

    const std::vector<token>& toks_;
    diagnostic_engine& diags_;
    std::size_t pos_ = 0;
};

} // namespace

ast::file parse(const std::vector<token>& tokens, diagnostic_engine& diags)
{
    return parser(tokens, diags).run();
}

ast::file parse_file(const source_manager& sources, file_id id, diagnostic_engine& diags)
{
    auto tokens = lex(sources.file(id), id, diags);
    return parse(tokens, diags);
}

} // namespace rtdl
