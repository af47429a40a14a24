#include "adapters/redis/wire/messages.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <random>

namespace sb::redis_wire {

namespace json = boost::json;
using mp = msgpack::value;

channels::channels(std::string_view key, std::string_view nsp, std::string_view uid)
{
    broadcast.append(key).append("#").append(nsp).append("#");
    request.append(key).append("-request#").append(nsp).append("#");
    response.append(key).append("-response#").append(nsp).append("#");
    specific_response = response;
    specific_response.append(uid).append("#");
    keys = broadcast + "sb:";
}

std::string channels::broadcast_for(const std::vector<std::string>& rooms) const
{
    if (rooms.size() != 1) {
        return broadcast;
    }
    return broadcast + rooms.front() + "#";
}

std::string channels::broadcast_pattern() const
{
    std::string p;
    for (char c : broadcast) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
            p += '\\';
        }
        p += c;
    }
    return p + "*";
}

namespace {

mp strings(const std::vector<std::string>& v)
{
    mp a;
    a.type = mp::kind::array;
    for (const auto& s : v) {
        a.items.push_back(mp::string(s));
    }
    return a;
}

mp integer(std::int64_t i)
{
    mp v;
    v.type = mp::kind::integer;
    v.i = i;
    return v;
}

mp boolean(bool b)
{
    mp v;
    v.type = mp::kind::boolean;
    v.b = b;
    return v;
}

mp map_of(std::initializer_list<std::pair<std::string_view, mp>> entries)
{
    mp m;
    m.type = mp::kind::map;
    for (const auto& [k, v] : entries) {
        m.add(mp::string(k), v);
    }
    return m;
}

mp packet_value(std::string_view nsp, std::string_view event, const payload& args)
{
    mp data;
    data.type = mp::kind::array;
    data.items.reserve(args.args.size() + 1);
    data.items.push_back(mp::string(event));
    for (const auto& a : args.args) {
        data.items.push_back(msgpack::from_json(a, &args.attachments));
    }
    return map_of({{"type", integer(2)}, {"data", std::move(data)}, {"nsp", mp::string(nsp)}});
}

mp opts_value(const broadcast_opts& o)
{
    mp flags;
    flags.type = mp::kind::map;
    if (o.is_volatile) {
        flags.add(mp::string("volatile"), boolean(true));
    }
    if (o.timeout_ms) {
        flags.add(mp::string("timeout"), integer(*o.timeout_ms));
    }
    if (const auto& d = o.durable) {
        flags.add(mp::string("sbseq"), integer(static_cast<std::int64_t>(d->seq)));
        if (d->resumable) {
            flags.add(mp::string("sbres"), boolean(true));
        }
        if (!d->conflation_key.empty()) {
            flags.add(mp::string("sbkey"), mp::string(d->conflation_key));
        }
        flags.add(mp::string("sbid"), mp::string(d->id));  // last: see encode_broadcast
    }
    return map_of({{"rooms", strings(o.rooms)}, {"except", strings(o.except)}, {"flags", std::move(flags)}});
}

} // namespace

std::vector<std::string> string_list(const json::value* v)
{
    std::vector<std::string> out;
    if (v && v->is_array()) {
        for (const auto& e : v->get_array()) {
            if (e.is_string()) {
                out.emplace_back(e.get_string());
            }
            else if (e.is_number()) {
                // Node lets numbers be rooms; they travel as numbers.
                out.push_back(json::serialize(e));
            }
        }
    }
    return out;
}


std::string encode_broadcast(std::string_view uid, std::string_view nsp, std::string_view event, const payload& args,
                             const broadcast_opts& opts)
{
    mp msg;
    msg.type = mp::kind::array;
    msg.items.push_back(mp::string(uid));
    msg.items.push_back(packet_value(nsp, event, args));
    msg.items.push_back(opts_value(opts));
    std::string out;
    msgpack::encode(out, msg);
    return out;
}

broadcast_opts opts_of(const json::value* opts)
{
    broadcast_opts o;
    if (!opts || !opts->is_object()) {
        return o;
    }
    const auto& obj = opts->get_object();
    o.rooms = string_list(obj.if_contains("rooms"));
    o.except = string_list(obj.if_contains("except"));
    if (auto* f = obj.if_contains("flags"); f && f->is_object()) {
        const auto& flags = f->get_object();
        if (auto* v = flags.if_contains("volatile")) {
            o.is_volatile = v->is_bool() && v->get_bool();
        }
        if (auto* v = flags.if_contains("local")) {
            o.local = v->is_bool() && v->get_bool();
        }
        if (auto* v = flags.if_contains("timeout"); v && v->is_number()) {
            boost::system::error_code ec;
            const auto t = v->to_number<std::int64_t>(ec);
            if (!ec) {
                o.timeout_ms = t;
            }
        }
        if (auto* id = flags.if_contains("sbid"); id && id->is_string() && !id->get_string().empty()) {
            durable_flags d;
            d.id = std::string(id->get_string());
            if (auto* v = flags.if_contains("sbseq"); v && v->is_int64() && v->get_int64() > 0) {
                d.seq = static_cast<std::uint64_t>(v->get_int64());
            }
            else if (v && v->is_uint64()) {
                d.seq = v->get_uint64();
            }
            d.resumable = flags.contains("sbres") && flags.at("sbres").is_bool() && flags.at("sbres").get_bool();
            if (auto* v = flags.if_contains("sbkey"); v && v->is_string()) {
                d.conflation_key = std::string(v->get_string());
            }
            o.durable = std::move(d);
        }
    }
    return o;
}

std::optional<broadcast_message> packet_of(const json::value& packet, std::vector<std::string> attachments)
{
    if (!packet.is_object()) {
        return std::nullopt;
    }
    const auto& p = packet.get_object();
    const auto* type = p.if_contains("type");
    const auto* data = p.if_contains("data");
    // EVENT (2) or BINARY_EVENT (5), with the event name first.
    if (!type || !type->is_int64() || (type->get_int64() != 2 && type->get_int64() != 5) || !data ||
        !data->is_array() || data->get_array().empty() || !data->get_array()[0].is_string()) {
        return std::nullopt;
    }
    broadcast_message m;
    if (auto* nsp = p.if_contains("nsp"); nsp && nsp->is_string()) {
        m.nsp = std::string(nsp->get_string());
    }
    if (auto* id = p.if_contains("id"); id && id->is_int64()) {
        m.id = id->get_int64();
    }
    const auto& a = data->get_array();
    m.event = std::string(a[0].get_string());
    m.args.args = json::array(a.begin() + 1, a.end());
    m.args.attachments = std::move(attachments);
    return m;
}

std::optional<broadcast_message> decode_broadcast(std::string_view bytes, const char*& error)
{
    mp v;
    if (!msgpack::decode(bytes, v, error)) {
        return std::nullopt;
    }
    if (v.type != mp::kind::array || v.items.size() < 2 || !v.items[0].is_str()) {
        error = "not [uid, packet, opts]";
        return std::nullopt;
    }
    std::vector<std::string> attachments;
    auto packet = msgpack::to_json(v.items[1], &attachments);
    auto m = packet_of(packet, std::move(attachments));
    if (!m) {
        error = "not an event packet";
        return std::nullopt;
    }
    m->uid = v.items[0].bytes;
    if (v.items.size() > 2) {
        const auto opts = msgpack::to_json(v.items[2], nullptr);
        m->opts = opts_of(&opts);
    }
    return m;
}

std::optional<bus_message> decode_bus_message(std::string_view bytes, const char*& error)
{
    bus_message m;
    if (!bytes.empty() && bytes.front() == '{') {
        boost::system::error_code ec;
        auto v = json::parse(bytes, ec);
        if (ec || !v.is_object()) {
            error = "malformed JSON";
            return std::nullopt;
        }
        m.body = std::move(v.get_object());
        return m;
    }
    mp v;
    if (!msgpack::decode(bytes, v, error)) {
        return std::nullopt;
    }
    auto j = msgpack::to_json(v, &m.attachments);
    if (!j.is_object()) {
        error = "not a map";
        return std::nullopt;
    }
    m.body = std::move(j.get_object());
    return m;
}

std::string encode_broadcast_request(std::string_view uid, std::string_view request_id, std::string_view nsp,
                                     std::string_view event, const payload& args, const broadcast_opts& opts)
{
    const auto msg = map_of({{"uid", mp::string(uid)},
                             {"requestId", mp::string(request_id)},
                             {"type", integer(static_cast<int>(request_type::broadcast))},
                             {"packet", packet_value(nsp, event, args)},
                             {"opts", opts_value(opts)}});
    std::string out;
    msgpack::encode(out, msg);
    return out;
}

std::string encode_broadcast_ack(std::string_view request_id, const json::value& arg,
                                 const std::vector<std::string>& attachments)
{
    const auto msg = map_of({{"type", integer(static_cast<int>(request_type::broadcast_ack))},
                             {"requestId", mp::string(request_id)},
                             {"packet", msgpack::from_json(arg, &attachments)}});
    std::string out;
    msgpack::encode(out, msg);
    return out;
}

json::object opts_json(const std::vector<std::string>& rooms, const std::vector<std::string>& except)
{
    json::object o;
    json::array r, e;
    for (const auto& s : rooms) {
        r.emplace_back(s);
    }
    for (const auto& s : except) {
        e.emplace_back(s);
    }
    o["rooms"] = std::move(r);
    o["except"] = std::move(e);
    return o;
}

std::string random_id(std::size_t n)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::string out(n, 'A');
    for (auto& c : out) {
        c = alphabet[rng() % (sizeof alphabet - 1)];
    }
    return out;
}

} // namespace sb::redis_wire
