// SPDX-License-Identifier: Apache-2.0
#include "ClusterIdentity.h"

#include "InformerCache.h"
#include "KubeClient.h"
#include "ResourceKind.h"

#include <nlohmann/json.hpp>

namespace kube {

RequestId requestIdentity(KubeClient& client, std::function<void(UserIdentity)> callback)
{
    const std::string body = R"({"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"})";
    return client.create("/apis/authentication.k8s.io/v1/selfsubjectreviews", body,
                         [callback = std::move(callback)](JsonResult result) {
                             UserIdentity identity;
                             identity.error = result.error;
                             if (result.object) {
                                 const auto user = result.object->value("/status/userInfo"_json_pointer,
                                                                        nlohmann::json::object());
                                 identity.username = user.value("username", "");
                                 identity.uid = user.value("uid", "");
                                 for (const auto& group : user.value("groups", nlohmann::json::array())) {
                                     if (group.is_string())
                                         identity.groups.push_back(group.get<std::string>());
                                 }
                             }
                             callback(std::move(identity));
                         });
}

RequestId listNamespacesOrFallback(KubeClient& client, std::function<void(NamespaceChoice)> callback)
{
    return client.list(kinds::Namespaces.collectionPath(),
                       [callback = std::move(callback), own = client.connection().namespaceName](ListResult result) {
                           NamespaceChoice choice;
                           if (result.error.httpStatus == 403) {
                               choice.fallback = true;
                               choice.names.push_back(own.empty() ? std::string("default") : own);
                           } else if (result.error) {
                               choice.error = result.error;
                           } else {
                               for (const auto& item : result.items) {
                                   if (std::string name = InformerCache::keyOf(*item); !name.empty())
                                       choice.names.push_back(std::move(name));
                               }
                           }
                           callback(std::move(choice));
                       });
}

} // namespace kube
