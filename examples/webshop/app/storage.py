"""Uploads product images to S3."""

import boto3

# SECRET001: an AWS access key committed in code (a planted, inactive example for golive's demo).
AWS_ACCESS_KEY_ID = "AKIAZ7Q4HX2LMN5PR3TW"
BUCKET = "webshop-product-images"


def client():
    return boto3.client("s3", aws_access_key_id=AWS_ACCESS_KEY_ID)
