"""What a data engineer would write instead of the connector: pandas read_csv in chunks on the
streamed S3 object, each chunk inserted with pymongo insert_many. Prints the rows inserted.

Usage: python pandas-import.py <bucket> <key> <mongodb-uri> <database> [chunksize]
(endpoint and credentials from AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)
"""
import os
import sys

import boto3
import pandas as pd
from pymongo import MongoClient

bucket, key, uri, database = sys.argv[1:5]
chunksize = int(sys.argv[5]) if len(sys.argv) > 5 else 50_000
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name=os.environ["AWS_REGION"])
body = s3.get_object(Bucket=bucket, Key=key)["Body"]
collection = MongoClient(uri)[database]["records"]
rows = 0
compression = "gzip" if key.endswith(".gz") else None
for chunk in pd.read_csv(body, chunksize=chunksize, compression=compression, parse_dates=False):
    # NaN is not a value a reader of the records expects: empty cells become null.
    documents = chunk.astype(object).where(chunk.notna(), None).to_dict("records")
    collection.insert_many(documents, ordered=False)
    rows += len(documents)
print(rows)
