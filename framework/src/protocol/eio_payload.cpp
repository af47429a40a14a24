#include <switchboard/error.hpp>
#include <switchboard/protocol/eio_packet.hpp>

#include <boost/assert.hpp>

#include <cstring>
#include <utility>

namespace sb::eio {

std::size_t payload_parser::put(std::string_view bytes, boost::system::error_code& ec)
{
    if (failed_ || finished_) {
        fail(ec);
        return 0;
    }
    std::size_t start = 0;
    for (;;) {
        const void* hit = std::memchr(bytes.data() + start, payload_separator, bytes.size() - start);
        if (hit == nullptr) {
            break;
        }
        const auto end = static_cast<std::size_t>(static_cast<const char*>(hit) - bytes.data());
        bool ok;
        if (partial_.empty()) {
            ok = complete_record(bytes.substr(start, end - start)); // whole record in view: no copy
        }
        else {
            partial_.append(bytes.substr(start, end - start));
            ok = complete_record(partial_);
            partial_.clear();
        }
        if (!ok) {
            fail(ec);
            return 0;
        }
        start = end + 1;
    }
    partial_.append(bytes.substr(start));
    ec = {};
    return bytes.size();
}

void payload_parser::finish(boost::system::error_code& ec)
{
    if (failed_ || finished_) {
        fail(ec);
        return;
    }
    // The body's last record; an empty body or a trailing separator leaves it empty, which
    // decodePayload rejects like any other empty packet.
    const bool ok = complete_record(partial_);
    partial_.clear();
    partial_.shrink_to_fit();
    if (!ok) {
        fail(ec);
        return;
    }
    finished_ = true;
    ec = {};
}

packet payload_parser::take()
{
    BOOST_ASSERT(has_packet());
    packet p = std::move(ready_.front());
    ready_.pop_front();
    return p;
}

void payload_parser::reset() noexcept
{
    partial_.clear();
    ready_.clear();
    finished_ = false;
    failed_ = false;
}

void payload_parser::fail(boost::system::error_code& ec)
{
    failed_ = true;
    partial_.clear();
    ec = error::bad_packet;
}

bool payload_parser::complete_record(std::string_view record)
{
    packet p;
    if (decode_text(record, p)) {
        return false;
    }
    ready_.push_back(std::move(p));
    return true;
}

boost::system::error_code decode_payload(std::string_view body, std::vector<packet>& out)
{
    payload_parser parser;
    boost::system::error_code ec;
    parser.put(body, ec);
    if (!ec) {
        parser.finish(ec);
    }
    while (parser.has_packet()) {
        out.push_back(parser.take());
    }
    return ec;
}

} // namespace sb::eio
