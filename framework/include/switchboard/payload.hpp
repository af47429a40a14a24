#pragma once
/** @file
    What travels as the arguments of an event or an acknowledgement.
*/
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace sb {

/** Arguments of an event or an ack, as Socket.IO carries them: a JSON array whose
    binary parts are `{"_placeholder":true,"num":i}` objects referring to `attachments[i]`.

    @code
    sb::payload p{{"hello", 42}};
    p.args.push_back(p.attach(std::string{"\x01\x02", 2}));   // a Buffer on the client
    @endcode
*/
struct payload {
    boost::json::array args;
    std::vector<std::string> attachments{};

    /// Stores `bytes` as the next attachment and returns the placeholder that stands for it.
    boost::json::object attach(std::string bytes);

    /// True when `v` is a placeholder `{"_placeholder":true,"num":<integer>}`.
    static bool is_placeholder(const boost::json::value& v) noexcept
    {
        const auto* o = v.if_object();
        if (!o || o->size() != 2) {
            return false;
        }
        const auto* ph = o->if_contains("_placeholder");
        const auto* num = o->if_contains("num");
        return ph && ph->is_bool() && ph->get_bool() && num && (num->is_int64() || num->is_uint64());
    }
};

/// A failure reported to the client instead of an ack value, on the wire as
/// `[{"error":{"code":..,"message":..[,"pointer":..]}}]` (RTDL's convention).
struct app_error {
    std::string code;      ///< machine-readable: "timeout", "bad_payload", "internal", ...
    std::string message;   ///< for humans
    std::string pointer{}; ///< JSON pointer of the offending field, if any
};

/** What an event handler returns. If the client asked for an acknowledgement it is sent
    as the ack; otherwise it is dropped. An empty reply acks with no arguments.

    @code
    co_return sb::reply{"ok"};                      // 3<id>["ok"]
    co_return sb::reply{};                           // 3<id>[]
    co_return sb::app_error{"forbidden", "not yours"};  // 3<id>[{"error":{...}}]
    co_return sb::reply::no_ack();                   // nothing
    @endcode
*/
struct reply {
    payload value;
    bool is_error = false;
    /// The handler declines to acknowledge (see `no_ack()`).
    bool declined = false;

    /// A reply that sends no ack at all, even if the client asked for one, and stops the
    /// handler deadline from answering for it: the client's own timeout decides, as when a
    /// Node handler never calls its callback.
    static reply no_ack()
    {
        reply r;
        r.declined = true;
        return r;
    }

    reply() = default;
    /// One ack argument.
    reply(boost::json::value v) { value.args.push_back(std::move(v)); }
    /// Several ack arguments (and attachments).
    reply(payload p) : value(std::move(p)) {}
    reply(app_error e);
};

} // namespace sb
