#include "engine/raw_engine.hpp"

#include "engine/engine_shard.hpp"
#include "engine/session.hpp"

#include <boost/asio/post.hpp>

namespace sb::detail {

namespace {

/// What the application holds. It does not keep the session alive (a socket kept in an
/// application's map after it closed costs a few bytes, not a session).
class raw_socket final : public engine_socket {
public:
    explicit raw_socket(session& s) : session_(s.weak_from_this()), id_(s.sid()) {}

    const std::string& id() const noexcept override { return id_; }
    std::string_view transport() const noexcept override
    {
        const auto s = session_.lock();
        return s ? s->transport_name() : std::string_view{};
    }
    const handshake_info& handshake() const noexcept override
    {
        static const handshake_info none;
        const auto s = session_.lock();
        return s && !s->closed() ? s->handshake() : none;  // the session outlives this call
    }
    bool open() const noexcept override { return open_; }

    bool send(std::string_view data, bool binary) override
    {
        const auto s = session_.lock();
        if (!s || !open_ || (!binary && data.find('\x1e') != std::string_view::npos)) {
            return false;
        }
        out_packet p;
        p.binary = binary;
        if (binary) {
            p.data = std::make_shared<const std::string>(data);
        }
        else {
            std::string text;
            text.reserve(data.size() + 1);
            text += '4';
            text += data;
            p.data = std::make_shared<const std::string>(std::move(text));
        }
        return s->send(std::move(p)) == send_status::queued;
    }

    void close() override
    {
        if (const auto s = session_.lock()) {
            s->close("forced close");
        }
    }

    void on_message(std::function<void(std::string_view, bool)> f) override { message_ = std::move(f); }
    void on_close(std::function<void(std::string_view)> f) override { close_ = std::move(f); }

    void deliver(std::string_view data, bool binary)
    {
        if (message_ && open_) {
            message_(data, binary);
        }
    }

    void closed(std::string_view reason)
    {
        if (!open_) {
            return;
        }
        open_ = false;
        // The callbacks usually capture this socket: drop them, so that nothing keeps it.
        auto f = std::move(close_);
        message_ = nullptr;
        close_ = nullptr;
        if (f) {
            f(reason);
        }
    }

private:
    std::weak_ptr<session> session_;
    std::string id_;
    bool open_ = true;
    std::function<void(std::string_view, bool)> message_;
    std::function<void(std::string_view)> close_;
};

class raw_listener final : public sink_listener {
public:
    explicit raw_listener(std::shared_ptr<raw_socket> s) : socket_(std::move(s)) {}
    void on_message(std::string_view data, bool binary) override { socket_->deliver(data, binary); }
    void on_close(std::string_view reason) override { socket_->closed(reason); }

private:
    std::shared_ptr<raw_socket> socket_;
};

} // namespace

void attach_raw_engine(session& s, const raw_engine_route& route)
{
    auto sock = std::make_shared<raw_socket>(s);
    s.set_handler(std::make_unique<raw_listener>(sock));
    // After the handshake has queued the open packet: what the handler sends follows it.
    boost::asio::post(s.owner().context(), [sock, keep = s.shared_from_this(), &route] {
        if (sock->open() && route.on_connection) {
            route.on_connection(sock);
        }
    });
}

} // namespace sb::detail
