"""Every change to a member takes effect on the very next request, cached pages included."""

from django.urls import reverse


def header(client) -> str:
    return client.get(reverse("home")).content.decode().split("</header>")[0]


def test_a_deactivated_member_is_signed_out_at_once(member_client, member):
    assert "Log out" in header(member_client)
    member.is_active = False
    member.save()  # as the admin's change form does
    assert "Log out" not in header(member_client)


def test_a_password_changed_elsewhere_ends_other_sessions(member_client, member):
    assert "Log out" in header(member_client)
    member.set_password("an entirely new secret")
    member.save()
    assert "Log out" not in header(member_client)


def test_a_new_display_name_shows_on_the_next_page(member_client, member):
    header(member_client)
    member.display_name = "Renamed Reader"
    member.save()
    assert ">Renamed Reader</a>" in header(member_client)


def test_a_deleted_member_is_signed_out(member_client, member):
    header(member_client)
    member.delete()
    assert "Log out" not in header(member_client)


def test_granting_and_revoking_a_permission_takes_effect_at_once(make_user):
    """Permission sets are cached per member (accounts/backends.py) under a version that
    every grant, revocation and group change bumps."""
    from django.contrib.auth.models import Group, Permission

    from bookclub.accounts.models import User

    member = make_user()
    organise = Permission.objects.get(codename="organise_any_club")

    def fresh():
        return User.objects.get(pk=member.pk)  # a new request's member object

    assert not fresh().can_organise()
    member.user_permissions.add(organise)
    assert fresh().can_organise()
    member.user_permissions.remove(organise)
    assert not fresh().can_organise()
    organisers = Group.objects.create(name="Organisers")
    organisers.permissions.add(organise)
    member.groups.add(organisers)
    assert fresh().can_organise()
    organisers.permissions.remove(organise)
    assert not fresh().can_organise()
    organisers.permissions.add(organise)
    assert fresh().can_organise()
    organisers.delete()
    assert not fresh().can_organise()


def test_a_profile_is_shared_but_only_its_owner_gets_the_edit_links(client, make_user):
    owner, reader = make_user(display_name="Owner"), make_user()
    url = owner.get_absolute_url()
    client.force_login(reader)
    assert "Edit your profile" not in client.get(url).content.decode()
    client.force_login(owner)
    assert "Edit your profile" in client.get(url).content.decode()
    client.force_login(reader)
    assert "Edit your profile" not in client.get(url).content.decode()


def test_a_profile_shows_an_edit_at_once_and_a_deactivated_member_is_gone(client, make_user):
    owner = make_user(display_name="Before")
    url = owner.get_absolute_url()
    assert "Before" in client.get(url).content.decode()
    owner.display_name, owner.bio = "After", "Reads at night."
    owner.save()
    page = client.get(url).content.decode()
    assert "After" in page and "Reads at night." in page
    owner.is_active = False
    owner.save()
    assert client.get(url).status_code == 404
