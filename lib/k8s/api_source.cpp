#include "k8s/api_source.hpp"

#include <cctype>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "k8s/object_builder.hpp"
#include "util/json_depth.hpp"

namespace kubeproof::k8s {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

/// The state of one list call across its pages.
struct ListRun {
    const model::ResourceType& type;
    const ObjectSink& sink;
    model::ListOutcome outcome;
    std::unordered_set<std::string>
        seen;  ///< delivered objects, skipped when a 410 restarts the list
};

std::string object_key(const json& item) {
    const auto meta = item.find("metadata");
    if (meta == item.end() || !meta->is_object()) return "";
    if (const auto uid = meta->find("uid"); uid != meta->end() && uid->is_string())
        return uid->get<std::string>();
    const auto name = meta->find("name");
    if (name == meta->end() || !name->is_string()) return "";
    const auto ns = meta->find("namespace");
    return (ns != meta->end() && ns->is_string() ? ns->get<std::string>() : std::string()) + "/" +
           name->get<std::string>();
}

std::string string_at(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// Parses one page, handing its items to the sink as each is read; the next continue token, or a
/// problem.
util::Expected<std::string, std::string> deliver_page(std::string& body, ListRun& run) {
    std::string problem;
    ObjectBuilder builder(run.type.ignored_fields, [&](json&& item, std::size_t) {
        if (const std::string key = object_key(item); !key.empty() && !run.seen.insert(key).second)
            return;
        if (!item.contains("apiVersion")) item["apiVersion"] = run.type.api_version();
        if (!item.contains("kind")) item["kind"] = run.type.kind;
        run.sink(std::move(item), model::Origin{});
        ++run.outcome.count;
    });
    if (!build_object(body, builder)) {
        return util::unexpected("the response is not valid JSON: " + builder.error());
    }
    std::string().swap(body);
    const json& page = builder.result();
    const auto items = page.is_object() ? page.find("items") : page.end();
    if (!page.is_object() || (items != page.end() && !items->is_array() && !items->is_null())) {
        return util::unexpected(std::string("the response is not a list"));
    }
    if (items ==
        page.end()) {  // a list always has items, even an empty one: this is something else
        return util::unexpected(
            std::string("the response has no \"items\": it is not a list, so nothing was listed"));
    }
    if (items != page.end() && items->is_array() && !items->empty()) {
        return util::unexpected(std::string("the list has an item that is not an object"));
    }
    const auto meta = page.find("metadata");
    return meta != page.end() && meta->is_object() ? string_at(*meta, "continue") : std::string();
}

std::string incomplete_note(std::size_t count) {
    if (count == 0) return "";
    return "; the list is incomplete: " + std::to_string(count) +
           " objects were listed before the failure";
}

model::ListOutcome fail(ListRun& run, model::ListOutcome::Kind kind, const std::string& detail) {
    model::ListOutcome outcome = run.outcome;
    outcome.kind = kind;
    outcome.message = "list " + run.type.name() + ": " + detail + incomplete_note(outcome.count);
    return outcome;
}

model::ListOutcome status_outcome(ListRun& run, const ApiResponse& response) {
    run.outcome.http_status = static_cast<int>(response.status);
    if (response.status == 404 && run.outcome.count == 0) {
        model::ListOutcome outcome = run.outcome;
        outcome.kind = model::ListOutcome::Kind::NotServed;
        outcome.message = "the server does not serve " + run.type.name();
        return outcome;
    }
    const std::string phrase = reason_phrase(response.status);
    std::string detail = std::to_string(response.status) + (phrase.empty() ? "" : " " + phrase);
    if (const std::string message = status_message(response.body); !message.empty())
        detail += ": " + message;
    if (response.attempts > 1) detail += " (" + std::to_string(response.attempts) + " attempts)";
    const bool denied = response.status == 401 || response.status == 403;
    return fail(run, denied ? model::ListOutcome::Kind::Denied : model::ListOutcome::Kind::Failed,
                detail);
}

std::string leading_digits(const std::string& text) {
    std::size_t end = 0;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    return text.substr(0, end);
}

}  // namespace

ApiSource::ApiSource(std::unique_ptr<ApiClient> client, int page_size)
    : m_client(std::move(client)), m_page_size(page_size) {}

model::ListOutcome ApiSource::list(const model::ResourceType& type, const ObjectSink& sink) {
    const auto deadline = Clock::now() + m_client->options().list_deadline;
    ListRun run{type, sink, {}, {}};
    run.outcome.type = type.name();
    std::string token;
    std::unordered_set<std::string> seen;  // every continue token of this listing: a cycle ends it
    bool restarted = false;
    while (true) {
        std::string path = list_path(type) + "?limit=" + std::to_string(m_page_size);
        if (!token.empty()) path += "&continue=" + url_encode(token);
        auto response = m_client->get(path, deadline);
        if (!response) return fail(run, model::ListOutcome::Kind::Failed, response.error());
        if (response->status == 410 && !token.empty() && !restarted) {
            restarted = true;  // the continue token expired: list again from the start, skipping
                               // what was seen
            token.clear();
            seen.clear();
            continue;
        }
        if (response->status != 200) return status_outcome(run, *response);
        run.outcome.http_status = 200;
        auto next = deliver_page(response->body, run);
        if (!next)
            return fail(run, model::ListOutcome::Kind::Failed,
                        "GET " + m_client->server() + path + ": " + next.error());
        if (next->empty()) return run.outcome;
        // A token given before leads to pages already read: without this check a server whose
        // tokens cycle (A, B, A, ...) would keep the list going until its deadline.
        if (!seen.insert(*next).second) {
            return fail(run, model::ListOutcome::Kind::Failed,
                        "the server returned a continue token it had returned before (page " +
                            std::to_string(seen.size() + 1) + "): its pages cycle");
        }
        token = std::move(*next);
    }
}

std::string ApiSource::describe() const { return "the API server " + m_client->server(); }

util::Expected<std::string, std::string> ApiSource::server_version() {
    auto response = m_client->get("/version", Clock::now() + m_client->options().list_deadline);
    if (!response) return util::unexpected(response.error());
    if (response->status != 200) {
        const std::string phrase = reason_phrase(response->status);
        const std::string message = status_message(response->body);
        return util::unexpected(
            "GET " + m_client->server() + "/version: " + std::to_string(response->status) +
            (phrase.empty() ? "" : " " + phrase) + (message.empty() ? "" : ": " + message));
    }
    auto version = parse_server_version(response->body);
    if (!version)
        return util::unexpected("GET " + m_client->server() + "/version: " + version.error());
    return version;
}

util::Expected<nlohmann::json, std::string> ApiSource::get_object(const std::string& path) {
    auto response = m_client->get(path, Clock::now() + m_client->options().list_deadline);
    if (!response) return util::unexpected(response.error());
    if (response->status != 200) {
        const std::string phrase = reason_phrase(response->status);
        const std::string message = status_message(response->body);
        return util::unexpected(
            "GET " + m_client->server() + path + ": " + std::to_string(response->status) +
            (phrase.empty() ? "" : " " + phrase) + (message.empty() ? "" : ": " + message));
    }
    if (util::json_nesting_past(response->body))
        return util::unexpected("GET " + m_client->server() + path + ": the answer is " +
                                util::json_too_deep());
    auto object = nlohmann::json::parse(response->body, nullptr, false);
    if (object.is_discarded() || !object.is_object())
        return util::unexpected("GET " + m_client->server() + path + ": not a JSON object");
    return object;
}

util::Expected<ApiConnection, std::string> connect_api_source(const ConnectRequest& request,
                                                              const ClientOptions& options) {
    auto config = load_connection_config(request);
    if (!config) return util::unexpected(config.error());
    std::vector<std::string> warnings = config->warnings;
    auto client = ApiClient::create(std::move(*config), options);
    if (!client) return util::unexpected(client.error());
    return ApiConnection{std::make_unique<ApiSource>(std::move(*client)), std::move(warnings)};
}

std::string list_path(const model::ResourceType& type) {
    const std::string scope = type.namespaced && !type.in_namespace.empty()
                                  ? "namespaces/" + type.in_namespace + "/"
                                  : "";
    return (type.group.empty() ? "/api/" : "/apis/" + type.group + "/") + type.version + "/" +
           scope + type.resource;
}

util::Expected<std::string, std::string> parse_server_version(std::string_view text) {
    if (util::json_nesting_past(text))
        return util::unexpected("the response is " + util::json_too_deep());
    const json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        return util::unexpected(std::string("the response is not JSON"));
    std::string major = leading_digits(string_at(doc, "major"));
    std::string minor = leading_digits(string_at(doc, "minor"));
    if (major.empty() || minor.empty()) {
        std::string git = string_at(doc, "gitVersion");
        if (!git.empty() && git[0] == 'v') git.erase(0, 1);
        major = leading_digits(git);
        const std::size_t dot = git.find('.');
        minor = dot == std::string::npos ? "" : leading_digits(git.substr(dot + 1));
    }
    if (major.empty() || minor.empty())
        return util::unexpected(std::string("the response has no version"));
    return major + "." + minor;
}

std::string status_message(std::string_view body) {
    const json doc =
        util::json_nesting_past(body) ? json(nullptr) : json::parse(body, nullptr, false);
    if (!doc.is_discarded() && doc.is_object()) return string_at(doc, "message");
    const auto start = body.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) return "";
    const std::string_view rest = body.substr(start);
    return std::string(rest.substr(0, std::min(rest.find('\n'), std::size_t{200})));
}

}  // namespace kubeproof::k8s
