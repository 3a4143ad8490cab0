from creditdesk.testing.factories import CustomerFactory, UserFactory


def test_a_customer_factory_makes_a_valid_credit_file(db):
    customer = CustomerFactory()
    customer.full_clean()
    assert UserFactory(role="sales").groups.get().name == "sales"
