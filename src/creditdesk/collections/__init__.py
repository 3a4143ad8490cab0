"""Collections (催收): getting paid once invoices fall due; first, the customers' promises to pay (承诺付款)."""
