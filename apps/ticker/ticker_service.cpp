// The ticker's handlers over the generated `ticker_service`, and the publisher that
// moves the market and emits to the symbol rooms. `quote` and `status` are conflated and
// every event is resumable (ticker.rtdl): a slow client gets the newest quote, not a
// backlog, and a dropped one resumes from room history.
#include "ticker/ticker.hpp"
#include "app_common.hpp"

#include "ticker/market.hpp"

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace ticker {

namespace {

/// The market and the lock that both the publisher thread and the handlers take.
struct shared_market {
    explicit shared_market(market m) : mk(std::move(m)) {}
    std::mutex m;
    market mk;
};

class ticker_app final : public tk::ticker_service {
public:
    explicit ticker_app(std::shared_ptr<shared_market> mk) : market_(std::move(mk)) {}

    sb::task<sb_rtdl::verdict> entitlements(tk::ticker_context& ctx, const sb_rtdl::lifecycle_event& ev) override
    {
        if (ev.phase != sb_rtdl::phase::connect)
            co_return sb_rtdl::verdict::allow();
        // auth = optional: anyone may read (a real feed would delay quotes for anonymous users here).
        // The handshake (`?symbols=AAPL,MSFT`) subscribes at once: that is all a bare EventSource can say.
        ctx.join(tk::market_room{});
        if (auto hs = ctx.handshake())
            for (auto& s : hs->symbols)
                if (listed(s))
                    ctx.join(tk::symbol_room{s});
        co_return sb_rtdl::verdict::allow();
    }

    sb::task<sb_rtdl::result<tk::Subscribed>> on_subscribe(tk::ticker_context& ctx, tk::Subscribe msg) override
    {
        tk::Subscribed out;
        for (auto& s : msg.symbols) {
            if (!listed(s)) {
                out.rejected.push_back(s);
                continue;
            }
            // Named, not a temporary: GCC 12 destroys a temporary argument of a coroutine
            // call inside `co_await` twice.
            const tk::symbol_room room{s};
            auto joined = co_await ctx.try_join(room);
            (joined ? out.accepted : out.rejected).push_back(s);
        }
        // The current quote of each new symbol at once, so the page has a price before
        // the market next moves: the newest the symbol's history holds (what every node
        // of a cluster has, whichever node runs the market), else this node's market.
        for (auto& s : out.accepted) {
            tk::Quote q;
            if (!latest_quote(ctx, s, q)) {
                std::lock_guard lock(market_->m);
                q = market_->mk.quote(s, apps::now_ms());
            }
            ctx.emit_quote(q);
        }
        co_return out;
    }

    sb::task<void> on_unsubscribe(tk::ticker_context& ctx, tk::Subscribe msg) override
    {
        for (auto& s : msg.symbols)
            ctx.leave(tk::symbol_room{s});
        co_return;
    }

private:
    static bool latest_quote(tk::ticker_context& ctx, const std::string& symbol, tk::Quote& q)
    {
        const auto page = ctx.nsp().room_history(tk::symbol_room{symbol}.key());
        for (auto it = page.events.rbegin(); it != page.events.rend(); ++it)
            if (it->event == "quote" && !tk::decode(it->data, q))  // no error
                return true;
        return false;
    }

    bool listed(const std::string& s)
    {
        std::lock_guard lock(market_->m);
        return market_->mk.listed(s);
    }

    std::shared_ptr<shared_market> market_;
};

/// Moves the market every `interval` and emits what changed; stops when destroyed. In a
/// cluster only the node that `leads()` does (one market, not one per node).
class publisher {
public:
    publisher(std::shared_ptr<shared_market> mk, tk::ticker_rooms rooms, std::chrono::milliseconds interval,
              std::function<bool()> leads)
        : leads_(std::move(leads)),
          thread_([this, mk = std::move(mk), rooms = std::move(rooms), interval] { run(*mk, rooms, interval); })
    {
    }
    ~publisher()
    {
        {
            std::lock_guard lock(m_);
            stop_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }

private:
    void run(shared_market& mk, const tk::ticker_rooms& rooms, std::chrono::milliseconds interval)
    {
        auto next = std::chrono::steady_clock::now();
        std::uint64_t n = 0;
        for (;;) {
            next += interval;
            {
                std::unique_lock lock(m_);
                if (cv_.wait_until(lock, next, [&] { return stop_; }))
                    return;
            }
            if (!leads_())
                continue;  // another node runs the market
            const auto ts = apps::now_ms();
            market_tick t;
            {
                std::lock_guard lock(mk.m);
                t = mk.mk.step(ts);
            }
            // Broadcasts may be made from any thread; each is encoded once and handed
            // to every shard.
            for (auto& q : t.quotes)
                rooms.symbol(q.symbol).emit_quote(q);
            for (auto& tr : t.trades)
                rooms.symbol(tr.symbol).emit_trade(tr);
            if (n++ % 50 == 0)
                rooms.market().emit_status(tk::MarketStatus{.session = tk::Session::regular, .ts = ts});
        }
    }

    std::mutex m_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::function<bool()> leads_;
    std::thread thread_;  // last: it runs with everything above
};

} // namespace

void configure(sb::server_options& opts) { tk::configure_ticker(opts); }

std::shared_ptr<void> mount(sb::server& server, options o)
{
    auto mk = std::make_shared<shared_market>(market{market::default_symbols(o.symbols), o.seed});
    tk::mount(server, std::make_shared<ticker_app>(mk));
    tk::ticker_rooms rooms{sb::broadcast_operator{server.of(std::string(tk::ticker_path)).state()}};
    return std::make_shared<publisher>(mk, std::move(rooms), o.interval, [srv = &server] { return srv->leads(); });
}

} // namespace ticker
