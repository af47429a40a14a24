#pragma once
/** @file
    What generated handlers return and what generated emits with an ACK give back:
    `result<T>`, `ack_result<T>` and `collected<T>`.
*/
#include <switchboard/payload.hpp>
#include <switchboard/rtdl/codec.hpp>

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

namespace sb_rtdl {

/** What a handler of an `on` event with a reply returns: the reply, or an
    `sb::app_error` sent as `{"error":{"code":..,"message":..}}`.
    @code
    co_return SendAck{.id = id, .sent_at = now};
    co_return sb::app_error{"not_member", "join the room first"};
    @endcode
*/
template <class T>
class result {
public:
    result(T v) : v_(std::in_place_index<0>, std::move(v)) {}
    result(::sb::app_error e) : v_(std::in_place_index<1>, std::move(e)) {}
    bool ok() const noexcept { return v_.index() == 0; }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    const ::sb::app_error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, ::sb::app_error> v_;
};

/** The client's answer to an emit that expects an ACK. `ec` is `sb::error::timeout`,
    `sb::error::closed`, or `sb::error::bad_payload` when the answer did not decode
    (then `problem` says why); `value` is set exactly when `ec` is clear.
*/
template <class T>
struct ack_result {
    ::boost::system::error_code ec;
    std::optional<T> value;
    std::optional<decode_error> problem;
};

/// The answers to a room-wide emit with an ACK: decoded replies in order of arrival,
/// how many members did not answer in time, and how many answers did not decode.
template <class T>
struct collected {
    ::boost::system::error_code ec;
    std::vector<T> replies;
    std::size_t missing = 0;
    std::size_t undecodable = 0;
};

} // namespace sb_rtdl
