"""Aliases: create/delete/rename actions, listings, and an alias working as a collection name.

The blue/green pattern users rely on: build a new collection, then switch the alias to it in one
request, with readers never seeing the alias missing.
"""

import threading

from conftest import unique_name


def _alias_actions(api, *actions):
    return api.post("/collections/aliases", json={"actions": list(actions)})


def _create(alias, collection):
    return {"create_alias": {"collection_name": collection, "alias_name": alias}}


def _delete(alias):
    return {"delete_alias": {"alias_name": alias}}


def _rename(old, new):
    return {"rename_alias": {"old_alias_name": old, "new_alias_name": new}}


def _all_aliases(api):
    return {a["alias_name"]: a["collection_name"] for a in api.get("/aliases").result["aliases"]}


def test_create_alias_lists_it_globally_and_per_collection(api, collection_factory, alias_cleanup):
    name = collection_factory()
    alias = unique_name("alias")
    alias_cleanup.append(alias)
    assert _alias_actions(api, _create(alias, name)).result is True
    assert _all_aliases(api)[alias] == name
    per_collection = api.get(f"/collections/{name}/aliases").result["aliases"]
    assert per_collection == [{"alias_name": alias, "collection_name": name}]


def test_alias_works_in_place_of_collection_name(api, collection_factory, alias_cleanup):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    alias = unique_name("alias")
    alias_cleanup.append(alias)
    _alias_actions(api, _create(alias, name)).expect(200)
    info = api.get(f"/collections/{alias}").result
    assert info["config"]["params"]["vectors"]["size"] == 2
    assert api.get(f"/collections/{alias}/exists").result == {"exists": True}
    points = {"points": [{"id": 1, "vector": [1.0, 0.0]}]}
    api.put(f"/collections/{alias}/points", json=points, params={"wait": "true"}).expect(200)
    assert api.post(f"/collections/{name}/points/count", json={"exact": True}).result == {
        "count": 1
    }
    found = api.post(f"/collections/{alias}/points/query", json={"query": [1.0, 0.0]}).result
    assert [p["id"] for p in found["points"]] == [1]


def test_delete_alias_keeps_collection(api, collection_factory, alias_cleanup):
    name = collection_factory()
    alias = unique_name("alias")
    alias_cleanup.append(alias)
    _alias_actions(api, _create(alias, name)).expect(200)
    assert _alias_actions(api, _delete(alias)).result is True
    assert alias not in _all_aliases(api)
    api.get(f"/collections/{alias}").expect(404)
    api.get(f"/collections/{name}").expect(200)


def test_rename_alias_moves_the_name(api, collection_factory, alias_cleanup):
    name = collection_factory()
    old, new = unique_name("alias"), unique_name("alias")
    alias_cleanup.extend([old, new])
    _alias_actions(api, _create(old, name)).expect(200)
    assert _alias_actions(api, _rename(old, new)).result is True
    aliases = _all_aliases(api)
    assert old not in aliases and aliases[new] == name


def test_rename_missing_alias_is_404(api):
    missing = unique_name("alias")
    response = _alias_actions(api, _rename(missing, unique_name("alias"))).expect(404)
    assert response.error == f"Not found: Alias {missing} does not exists!"


def test_alias_to_missing_collection_is_404(api, alias_cleanup):
    alias = unique_name("alias")
    alias_cleanup.append(alias)
    response = _alias_actions(api, _create(alias, "compat_missing_target")).expect(404)
    assert response.error == "Not found: Collection `compat_missing_target` doesn't exist!"
    assert alias not in _all_aliases(api)


def test_alias_named_like_existing_collection_is_409(api, collection_factory):
    first, second = collection_factory(), collection_factory()
    response = _alias_actions(api, _create(second, first)).expect(409)
    assert response.error == f"Wrong input: Collection `{second}` already exists!"


def test_switch_alias_in_one_request(api, collection_factory, alias_cleanup):
    blue = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    green = collection_factory({"vectors": {"size": 3, "distance": "Dot"}})
    alias = unique_name("alias")
    alias_cleanup.append(alias)
    _alias_actions(api, _create(alias, blue)).expect(200)
    _alias_actions(api, _delete(alias), _create(alias, green)).expect(200)
    assert _all_aliases(api)[alias] == green
    assert api.get(f"/collections/{alias}").result["config"]["params"]["vectors"]["size"] == 3
    assert api.get(f"/collections/{blue}/aliases").result["aliases"] == []


def test_readers_never_see_a_missing_alias_during_switches(api, collection_factory, alias_cleanup):
    blue, green = collection_factory(), collection_factory()
    alias = unique_name("alias")
    alias_cleanup.append(alias)
    _alias_actions(api, _create(alias, blue)).expect(200)
    reader = api.with_api_key(api.api_key)
    failures: list[int] = []
    stop = threading.Event()

    def read_until_stopped():
        for _ in range(2000):  # bounded, even if the writer dies
            if stop.is_set():
                return
            status = reader.get(f"/collections/{alias}/exists").result
            if status != {"exists": True}:
                failures.append(1)

    thread = threading.Thread(target=read_until_stopped)
    thread.start()
    try:
        for round_number in range(20):
            target = green if round_number % 2 == 0 else blue
            _alias_actions(api, _delete(alias), _create(alias, target)).expect(200)
    finally:
        stop.set()
        thread.join(timeout=60)
    assert failures == []


def test_deleting_collection_drops_its_aliases(api, collection_factory, alias_cleanup):
    name = collection_factory()
    alias = unique_name("alias")
    alias_cleanup.append(alias)
    _alias_actions(api, _create(alias, name)).expect(200)
    api.delete(f"/collections/{name}").expect(200)
    assert alias not in _all_aliases(api)
    api.get(f"/collections/{alias}").expect(404)


def test_aliases_of_missing_collection_is_an_empty_list(api):
    # Qdrant does not check that the collection exists here; it lists no aliases.
    assert api.get("/collections/compat_missing_aliases/aliases").result == {"aliases": []}
