"""An officer imports the council's published register, in a real browser."""

from datetime import date

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from commissioning.core.roles import OFFICERS
from contracts.models import ColumnMapping, Contract, RegisterImport

PASSWORD = "a-long-test-password"

# A Transparency Code register as councils publish it: Windows-1252, "£" in
# values, DD/MM/YYYY and dd-Mon-YYYY dates side by side, a placeholder end date,
# and the reference under a header of the council's own.
REGISTER = (
    "Agreement code,Title of the Agreement,Supplier name,Supplier registered company number,SME supplier,"
    "VCSE supplier,Contract start date,End date,Last extension date,Contract value,Effective Date\r\n"
    "ASC-101,Extra care housing – support,Hestia Housing and Support,02352035,No,Yes,01/04/2022,31/03/2025,"
    '31/03/2027,"£1,500,000.00",30/09/2024\r\n'
    'ASC-102,Carers’ breaks,Carers Together CIC,12345678,Yes,Yes,01-Oct-2023,31/12/2099,,"£48,000",30/09/2024\r\n'
).encode("cp1252")


def test_officer_imports_a_published_register(page, login, screenshot, django_user_model, tmp_path):
    user = django_user_model.objects.create_user("priya", password=PASSWORD, first_name="Priya", last_name="Shah")
    user.groups.add(Group.objects.get(name=OFFICERS))
    path = tmp_path / "contracts-register-2024-q2.csv"
    path.write_bytes(REGISTER)

    login("priya", PASSWORD)
    page.get_by_role("button", name="Register").click()
    page.get_by_role("link", name="Import a register").click()
    page.get_by_label("Register file").set_input_files(str(path))
    page.get_by_label("Council").fill("London Borough of Bromley")
    page.get_by_role("button", name="Read the file").click()

    facts = page.locator("#import-facts")
    assert "read as Windows-1252" in facts.inner_text()
    assert "Previewed, not confirmed" in facts.inner_text()
    screenshot(page, "import-preview-unmatched")

    # The reference column has the council's own header: match it by hand.
    page.get_by_label("Agreement code").select_option("reference")
    page.get_by_role("button", name="Read the file again").click()
    # The first preview showed no reference, so ASC-101 marks the new one: the first preview's
    # report and facts also say "no fixed date" and "register as at 30 Sep 2024".
    expect(page.locator("#import-report").get_by_text("ASC-101")).to_be_visible()
    # 31/12/2099 on ASC-102.
    expect(page.locator("#import-report")).to_contain_text("no fixed date", use_inner_text=True)
    expect(page.locator("#import-facts")).to_contain_text(
        "register as at 30 Sep 2024 (its Effective Date)", use_inner_text=True
    )
    screenshot(page, "import-preview")

    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "import-preview-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Confirm the import").click()
    # The preview had an #import-status too ("Previewed, not confirmed").
    expect(page.locator("#import-status")).to_have_text("Imported", use_inner_text=True)
    screenshot(page, "import-done")

    record = RegisterImport.objects.get()
    assert record.status == RegisterImport.Status.DONE
    assert record.counts["created"] == 2
    assert ColumnMapping.objects.get(header="agreementcode").field == "reference"
    extra_care = Contract.objects.get(reference="ASC-101")
    assert extra_care.start_date == date(2022, 4, 1)
    option = extra_care.options.get()
    assert option.end_date == date(2027, 3, 31)
    assert extra_care.providers.get().is_vcse


def test_a_large_register_is_read_in_the_background(
    page, login, screenshot, django_user_model, tmp_path, settings, monkeypatch
):
    from contracts import register_imports, tasks

    settings.IMPORT_BACKGROUND_ROWS = 1
    queued = []
    # The job waits on the queue until the test runs it, as a busy worker would.
    monkeypatch.setattr(tasks.read_import, "delay", lambda record_id: queued.append(record_id))
    user = django_user_model.objects.create_user("priya", password=PASSWORD, first_name="Priya", last_name="Shah")
    user.groups.add(Group.objects.get(name=OFFICERS))
    path = tmp_path / "contracts-register-2024-q2.csv"
    path.write_bytes(REGISTER)

    login("priya", PASSWORD)
    page.goto("/contracts/import/")
    page.get_by_label("Register file").set_input_files(str(path))
    page.get_by_label("Council").fill("London Borough of Bromley")
    page.get_by_role("button", name="Read the file").click()

    assert page.locator("#import-status").inner_text() == "Being read"
    assert "Reading rows: 0 of 2" in page.locator("#import-progress").inner_text()
    expect(page.get_by_role("button", name="Confirm the import")).to_have_count(0)
    screenshot(page, "import-being-read")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "import-being-read-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    (record_id,) = queued
    register_imports.import_read(record_id=record_id)
    # The page refreshes itself and shows the preview.
    page.wait_for_selector("#import-report", timeout=15_000)
    assert page.locator("#import-status").inner_text() == "Previewed, not confirmed"
    expect(page.get_by_role("button", name="Confirm the import")).to_be_visible()
    assert RegisterImport.objects.get().counts["rows"] == 2
