#pragma once
// The messages of @socket.io/redis-adapter 8.x (classic pub/sub) and
// @socket.io/redis-emitter 5.x, as bytes. Pure: no I/O.
//
//   broadcast   PUBLISH <key>#<nsp># (or <key>#<nsp>#<room># when there is exactly one
//               room), msgpack [uid, {type: 2, data: [event, ...args], nsp}, {rooms,
//               except, flags}]; binary arguments are msgpack `bin` in place.
//   request     PUBLISH <key>-request#<nsp>#, JSON {uid, requestId?, type, ...}; the
//               broadcast with ack (type 7) is msgpack, since its packet may carry binary.
//   response    PUBLISH <key>-response#<nsp>#, JSON {requestId, ...}; an ack (type 9)
//               is msgpack.
// A reader tells JSON from msgpack by the first byte: '{' is JSON (a msgpack map never
// starts with 0x7b).
#include "adapters/redis/wire/msgpack.hpp"

#include <switchboard/payload.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::redis_wire {

enum class request_type : int {
    sockets = 0,
    all_rooms = 1,
    remote_join = 2,
    remote_leave = 3,
    remote_disconnect = 4,
    remote_fetch = 5,
    server_side_emit = 6,
    broadcast = 7,
    broadcast_client_count = 8,
    broadcast_ack = 9,
};

/// The channel names of one namespace.
struct channels {
    channels(std::string_view key, std::string_view nsp, std::string_view uid);
    std::string broadcast;          ///< "<key>#<nsp>#"
    std::string request;            ///< "<key>-request#<nsp>#"
    std::string response;           ///< "<key>-response#<nsp>#"
    std::string specific_response;  ///< "<key>-response#<nsp>#<uid>#"
    std::string keys;               ///< "<key>#<nsp>#sb:": the prefix of the namespace's keys (durable layer, presence)
    /// Where a broadcast to `rooms` is published.
    std::string broadcast_for(const std::vector<std::string>& rooms) const;
    /// The PSUBSCRIBE pattern for every broadcast channel of the namespace (glob
    /// characters in the name escaped).
    std::string broadcast_pattern() const;
};

/** Switchboard's durable layer, as extra flags (Node peers ignore unknown flags): the
    event's cluster-wide id, filled in by the Lua script that numbered it (it rewrites
    the `sbid` value, which is why that is the very last thing in the message), the
    sender's sequence number (receivers drop a resent one), and what the local log
    needs to keep it (resumable, conflation key). */
struct durable_flags {
    std::string id;  ///< "<epoch>:<offset>"; "" on the way to the script
    std::uint64_t seq = 0;
    bool resumable = false;
    std::string conflation_key;
};

/// Selection and flags of a broadcast, as they travel.
struct broadcast_opts {
    std::vector<std::string> rooms;
    std::vector<std::string> except;
    bool is_volatile = false;
    bool local = false;
    std::optional<std::int64_t> timeout_ms;  ///< flags.timeout (broadcasts with ack)
    std::optional<durable_flags> durable;    ///< flags.sb* (a numbered event)
};

/// A broadcast as it travels: who sent it, the Socket.IO packet, the selection.
struct broadcast_message {
    std::string uid;
    std::string nsp = "/";
    std::string event;
    payload args;   ///< placeholders + attachments for the binary parts
    std::optional<std::int64_t> id;  ///< packet.id, if any
    broadcast_opts opts;
};

/// msgpack [uid, packet, opts]. With `opts.durable` and an empty id, the message ends
/// in the one byte 0xa0 (the empty `sbid`): the script replaces that byte by the id.
std::string encode_broadcast(std::string_view uid, std::string_view nsp, std::string_view event, const payload& args,
                             const broadcast_opts& opts);
/// The inverse; std::nullopt (and `error`) when the bytes are not such a message or the
/// packet is not an event with a name.
std::optional<broadcast_message> decode_broadcast(std::string_view bytes, const char*& error);

/// A request or response: JSON, or msgpack converted to JSON (binary as attachments).
struct bus_message {
    boost::json::object body;
    std::vector<std::string> attachments;
};
/// Decodes a request or response (either encoding); std::nullopt when malformed.
std::optional<bus_message> decode_bus_message(std::string_view bytes, const char*& error);

/// The packet of a type-7 request (`{type, data: [event, ...args], nsp}`) as a message.
std::optional<broadcast_message> packet_of(const boost::json::value& packet, std::vector<std::string> attachments);

/// msgpack {uid, requestId, type: 7, packet, opts}: a broadcast with ack.
std::string encode_broadcast_request(std::string_view uid, std::string_view request_id, std::string_view nsp,
                                     std::string_view event, const payload& args, const broadcast_opts& opts);
/// msgpack {type: 9, requestId, packet: arg}: one client's ack, for the requester.
std::string encode_broadcast_ack(std::string_view request_id, const boost::json::value& arg,
                                 const std::vector<std::string>& attachments);

/// `opts` of a request ({rooms, except, flags}) as broadcast options.
broadcast_opts opts_of(const boost::json::value* opts);
/// A JSON array of room names (numbers become their text, as Node allows them).
std::vector<std::string> string_list(const boost::json::value* v);
/// {rooms: [...], except: [...]} of a request.
boost::json::object opts_json(const std::vector<std::string>& rooms, const std::vector<std::string>& except);

/// Six random characters, as Node's uid2(6): node uids and request ids.
std::string random_id(std::size_t n = 6);

} // namespace sb::redis_wire
